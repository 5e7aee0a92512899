// Where the benchmark scripts find the repository and the shared models (../shared/models).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const modelsDir = path.resolve(root, '../shared/models');

/** models.json: per shared model its file, input shape and facts. */
export function modelIndex() {
  return JSON.parse(fs.readFileSync(path.join(modelsDir, 'models.json'), 'utf8'));
}
