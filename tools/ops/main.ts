/**
 * The operator CLI: `npm run ops -- <command> [flags]`, `npm run ops -- --help`.
 * In an image: `node dist/tools/ops.js <command>`. Exit code 0 = done, 1 = failed or a violation.
 */
import { parseArgs } from 'node:util';
import { COMMANDS, type Command } from './commands';

function help(): string {
  return [
    'usage: npm run ops -- <command> [flags]      (npm run ops -- <command> --help for its flags)',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`),
  ].join('\n');
}

function commandHelp(name: string, c: Command): string {
  const flags = Object.entries(c.flags).map(([f, d]) => `  --${f.padEnd(14)} ${d.help}`);
  return [`usage: npm run ops -- ${c.usage}`, '', c.summary, '', ...flags].join('\n');
}

/** Longest command name that prefixes argv ("outbox redrive" before "outbox"). */
function findCommand(argv: string[]): [string, Command, string[]] | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const c = COMMANDS[name];
    if (c) return [name, c, argv.slice(words)];
  }
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(help());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    console.error(`unknown command: ${argv.slice(0, 2).join(' ')}\n\n${help()}`);
    return 2;
  }
  const [name, command, rest] = found;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { ...command.flags, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(commandHelp(name, command));
    return 0;
  }
  return (await command.run(values, positionals)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
