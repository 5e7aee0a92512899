// The onnx2wasm command line: commander wiring, --list-passes, and the one place errors become exit codes.
import { Command, CommanderError } from 'commander';
import { PASSES } from '@onnx2wasm/optimizer';
import { VERSION } from '../version.js';
import { checkCommand } from './check-command.js';
import { compileCommand } from './compile-command.js';
import { reportError } from './errors.js';
import { table } from './format.js';
import { runCommand } from './run-command.js';
import { inspectCommand } from './inspect-command.js';
import { serverCommands } from './server-commands.js';

export function createProgram(): Command {
  const program = new Command('onnx2wasm')
    .description('Compile ONNX models to WebAssembly SIMD modules, run them, and check them against onnxruntime.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .option('--debug', 'print stack traces of errors')
    .option('--list-passes', 'list the optimizer passes (names for --passes) and exit')
    .configureHelp({ showGlobalOptions: true })
    // Throw instead of process.exit so runCli alone picks the exit code (2 for usage errors).
    .exitOverride();
  // --list-passes needs no command, but commander only runs actions for commands: act as soon as it is parsed.
  program.on('option:list-passes', () => {
    process.stdout.write(table(PASSES.map((p) => [p.name, p.description]), '') + '\n');
    throw new CommanderError(0, 'onnx2wasm.listPasses', '');
  });
  // addCommand does not pass settings down the way .command() does; copy them so every command
  // shows --debug in its help and throws rather than exits.
  for (const cmd of [compileCommand(), runCommand(), checkCommand(), inspectCommand(), ...serverCommands()]) program.addCommand(cmd.copyInheritedSettings(program));
  return program;
}

/** Runs the CLI on full process.argv and returns the exit code; never exits the process itself. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    return reportError(e, program.opts().debug === true, (s) => process.stderr.write(s));
  }
}
