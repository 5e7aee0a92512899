// `pack` and `unpack`: a built repository as one .tgz. Deterministic — entries sorted, mtime 0,
// owner 0:0, fixed modes, and gzip from node:zlib (whose header carries no timestamp) — so the
// same repository always gives the same bytes and an archive's hash can name a release.
// Unpacking accepts plain files only and refuses names that would land outside the target folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import tar from 'tar-stream';
import { RepositoryError } from '../errors.js';
import { INDEX_FILE, readIndex } from './index-file.js';

/** Every file of the built repository, as paths relative to its root, sorted. */
function archiveFiles(root: string): string[] {
  const index = readIndex(root);
  const files = new Set<string>([INDEX_FILE]);
  for (const m of index.models) {
    if (fs.existsSync(path.join(root, m.name, 'config.json'))) files.add(`${m.name}/config.json`);
    for (const v of m.versions) {
      files.add(v.source.file);
      files.add(`${v.compiled}/build.json`);
      for (const f of Object.keys(v.files)) files.add(`${v.compiled}/${f}`);
    }
  }
  for (const f of files) {
    if (!fs.existsSync(path.join(root, f))) throw new RepositoryError('NOT_BUILT', `${f} is missing from ${root}: run \`onnx2wasm build ${root}\` first`);
  }
  return [...files].sort();
}

export async function packRepository(repoDir: string, outFile: string): Promise<{ files: number; bytes: number }> {
  const root = path.resolve(repoDir);
  const files = archiveFiles(root);
  const pack = tar.pack();
  const written = pipeline(pack, zlib.createGzip({ level: 9 }), fs.createWriteStream(outFile));
  for (const f of files) {
    const data = fs.readFileSync(path.join(root, f));
    await new Promise<void>((resolve, reject) => pack.entry({ name: f, size: data.byteLength, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, uname: '', gname: '', type: 'file' }, data, (e) => (e ? reject(e) : resolve())));
  }
  pack.finalize();
  await written;
  return { files: files.length, bytes: fs.statSync(outFile).size };
}

/** The path inside `root` for an archive entry name, or an error for anything that escapes it. */
function safeTarget(root: string, name: string): string {
  const clean = name.replace(/^\.\//, '');
  if (clean === '' || clean.includes('\\') || clean.includes('\0') || path.posix.isAbsolute(clean) || clean.split('/').some((s) => s === '..')) {
    throw new RepositoryError('INVALID_ARCHIVE', `the archive entry '${name}' points outside the target folder: refused`);
  }
  return path.join(root, ...clean.split('/'));
}

export async function unpackRepository(archive: string, outDir: string): Promise<{ files: number }> {
  const root = path.resolve(outDir);
  if (fs.existsSync(root) && fs.readdirSync(root).length > 0) throw new RepositoryError('IO_ERROR', `'${root}' is not empty: unpack into a new folder`);
  if (!fs.existsSync(archive)) throw new RepositoryError('IO_ERROR', `cannot read archive '${archive}': ENOENT`);
  fs.mkdirSync(root, { recursive: true });
  const extract = tar.extract();
  let files = 0;
  const done = pipeline(fs.createReadStream(archive), zlib.createGunzip(), extract).catch((e: Error) => {
    throw e instanceof RepositoryError ? e : new RepositoryError('INVALID_ARCHIVE', `'${archive}' is not a repository archive: ${e.message}`);
  });
  try {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type === 'directory') { safeTarget(root, name); entry.resume(); continue; }
      if (type !== 'file') throw new RepositoryError('INVALID_ARCHIVE', `the archive entry '${name}' is a ${type}: only files are unpacked`);
      const target = safeTarget(root, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      fs.writeFileSync(target, Buffer.concat(chunks));
      files++;
    }
  } catch (e) {
    extract.destroy();
    await done.catch(() => {});
    throw e instanceof RepositoryError ? e : new RepositoryError('INVALID_ARCHIVE', `'${archive}' is not a repository archive: ${(e as Error).message}`);
  }
  await done;
  readIndex(root);
  return { files };
}
