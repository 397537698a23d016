/** `tcpconform adapter-check`: does an adapter follow the adapter protocol, before any case runs on it? */
import type { Command } from 'commander';
import { checkAdapter, type CheckOutcome } from '../../targets/process/check/adapter-check';
import { ExitCode } from '../exit-codes';
import { positiveInteger, say } from '../options';

async function adapterCheckCommand(command: string, options: { timeout?: number }): Promise<void> {
  say(`tcpconform adapter-check: ${command}`);
  // A passed check's sentence says what it was; a failed one is named first. The adapter's stderr may run to several lines.
  const show = (outcome: CheckOutcome): void =>
    say(`  ${outcome.ok ? `✓ ${outcome.sentence}` : `✗ ${outcome.check}: ${outcome.sentence}`}`.replaceAll('\n', '\n      '));
  const report = await checkAdapter(['/bin/sh', '-c', command], { ...(options.timeout !== undefined && { requestMs: options.timeout }), onOutcome: show });
  const failed = report.outcomes.filter((o) => !o.ok).length;
  if (report.notChecked.length > 0) say(`  not checked, as the adapter broke the conversation: ${report.notChecked.join('; ')}`);
  say(
    report.ok
      ? `The adapter follows the protocol in all ${report.outcomes.length} checks: run cases on it with --target adapter --adapter '${command}'.`
      : `The adapter failed ${failed} of ${report.outcomes.length} checks; docs/adapter-protocol.md says what each message must be.`,
  );
  process.exitCode = report.ok ? ExitCode.ok : ExitCode.failures;
}

export function addAdapterCheckCommand(program: Command): void {
  program
    .command('adapter-check')
    .description("Check that an adapter follows the adapter protocol, before running cases on it: each problem in a sentence, with the adapter's line.")
    .argument('<command>', "the command that starts the adapter, run by /bin/sh, e.g. './my-adapter' or 'node adapter.js'")
    .option('--timeout <ms>', 'how long each request may wait for its result (default 5000, as in a run)', positiveInteger)
    .addHelpText('after', `
Checks, in order: the hello (schema, protocol version, addresses in 198.18.0.0/15, families); a line
that is not JSON and a call the protocol does not know, each refused as a bad request; the virtual
clock, if the hello claims one; listen, if claimed; a SYN from the peer and the stack's answer (a
packet each way, with the addresses of the hello and right checksums), then the handshake's accepted
event; each other application call the hello claims, with the fields its result must carry (and the
SYN of a connect); and a clean exit (code 0 within 1 s of stdin closing). A line that breaks the
protocol ends the conversation: the sentence names it, with the adapter's stderr.

Exit code 0 when every check passes, 1 when one fails, 2 on a usage error.

Examples:
  tcpconform adapter-check ./my-adapter
  tcpconform adapter-check 'node adapters/starter/js/adapter.js'
  tcpconform adapter-check adapters/starter/c/adapter     (after make -C adapters/starter/c)`)
    .action(adapterCheckCommand);
}
