/**
 * protocol.schema.json against messages of every type: the good pass, the broken fail with a phrase an
 * adapter author can act on.
 */
import { checkAdapterLine, checkHarnessMessage } from '../../src/targets/process';

const hello = {
  type: 'hello',
  protocol: 1,
  stack: { name: 'lwip', version: '2.1.3' },
  address: '198.18.0.1',
  peer: '198.18.0.2',
  capabilities: { calls: ['listen', 'connect', 'write', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state', 'set-option'], clock: 'virtual', families: ['ipv4'], notes: ['x'] },
};
// A SYN from 198.18.0.2:40000 to 198.18.0.1:8080 (checksums are not the schema's business).
const synHex = '450000280000400040060000c6120002c6120001' + '9c401f90000003e8000000005002721000000000';

function adapterProblem(message: unknown): string | undefined {
  const checked = checkAdapterLine(JSON.stringify(message));
  return checked.ok ? undefined : 'problem' in checked ? checked.problem : 'not JSON';
}

function harnessProblem(message: unknown): string | undefined {
  const checked = checkHarnessMessage(message);
  return checked.ok ? undefined : checked.problem;
}

describe('messages an adapter sends', () => {
  test.each([
    ['hello', hello],
    ['hello without notes, real clock', { ...hello, capabilities: { calls: [], clock: 'real', families: ['ipv4'] } }],
    ['hello with socket options', { ...hello, capabilities: { calls: ['set-option'], options: ['nodelay', 'keepalive-idle'], clock: 'real', families: ['ipv4'] } }],
    ['packet', { type: 'packet', hex: synHex }],
    ['packet with a virtual time', { type: 'packet', hex: synHex, time: 1250.5 }],
    ['result', { type: 'result', id: 3, ok: true }],
    ['result of a write', { type: 'result', id: 3, ok: true, bytes: 500 }],
    ['result of a state call', { type: 'result', id: 3, ok: true, state: 'TIME-WAIT' }],
    ['result of a read at the end of the data', { type: 'result', id: 3, ok: true, bytes: 0, eof: true }],
    ['result of an at-mark call', { type: 'result', id: 3, ok: true, atMark: false }],
    ['result of an advance', { type: 'result', id: 9, ok: true, now: 1203.5 }],
    ['a failed result', { type: 'result', id: 4, ok: false, error: 'ECONNRESET' }],
    ['a bad request without a readable id', { type: 'result', id: null, ok: false, error: 'bad request: not JSON' }],
    ['accepted', { type: 'event', event: 'accepted', remotePort: 40000 }],
    ['connected', { type: 'event', event: 'connected' }],
    ['eof', { type: 'event', event: 'eof' }],
    ['closing', { type: 'event', event: 'closing' }],
    ['urgent at a virtual time', { type: 'event', event: 'urgent', time: 12.5 }],
    ['error', { type: 'event', event: 'error', error: 'ECONNREFUSED' }],
    ['error at a virtual time', { type: 'event', event: 'error', error: 'ETIMEDOUT', time: 300000 }],
  ])('%s passes', (_, message) => {
    expect(adapterProblem(message)).toBeUndefined();
  });

  test.each([
    ['an unknown type', { type: 'hullo' }, 'has type "hullo", which is not one the protocol knows: expected one of hello, packet, result, event'],
    ['no type', { id: 1 }, 'lacks the field "type"'],
    ['a call, which only the harness sends', { type: 'call', id: 1, call: 'close' }, 'has type "call", which is not one the protocol knows'],
    ['a hello without capabilities', { ...hello, capabilities: undefined }, 'lacks the field "capabilities"'],
    ['a hello with an unknown call', { ...hello, capabilities: { calls: ['fly'], clock: 'real', families: ['ipv4'] } }, 'field "capabilities.calls.0" must be equal to one of the allowed values'],
    ['a hello without its families', { ...hello, capabilities: { calls: [], clock: 'real' } }, 'lacks the field "capabilities.families"'],
    ['a hello with a family the protocol does not know', { ...hello, capabilities: { calls: [], clock: 'real', families: ['ipx'] } }, 'field "capabilities.families.0" must be equal to one of the allowed values'],
    ['a hello with a clock of another kind', { ...hello, capabilities: { calls: [], clock: 'fast', families: ['ipv4'] } }, 'field "capabilities.clock" must be equal to one of the allowed values'],
    ['upper-case hex', { type: 'packet', hex: synHex.toUpperCase() }, 'field "hex" must match pattern'],
    ['an odd number of hex digits', { type: 'packet', hex: '450' }, 'field "hex" must match pattern'],
    ['a typo in a field name', { type: 'packet', hex: synHex, tiem: 5 }, 'has an unknown field "tiem"'],
    ['a result without ok', { type: 'result', id: 1 }, 'lacks the field "ok"'],
    ['a failed result without error', { type: 'result', id: 1, ok: false }, 'lacks the field "error"'],
    ['a successful result with an error', { type: 'result', id: 1, ok: true, error: 'EINVAL' }, 'field "error" is not allowed here'],
    ['a result with a string id', { type: 'result', id: '1', ok: true }, 'field "id"'],
    ['a state the RFC does not name', { type: 'result', id: 1, ok: true, state: 'SYN_RCVD' }, 'field "state" must be equal to one of the allowed values'],
    ['a failed result with eof', { type: 'result', id: 1, ok: false, error: 'ECONNRESET', eof: true }, 'field "eof" is not allowed here'],
    ['a hello with an unknown option', { ...hello, capabilities: { calls: [], options: ['tos'], clock: 'real', families: ['ipv4'] } }, 'field "capabilities.options.0" must be equal to one of the allowed values'],
    ['an event at a negative time', { type: 'event', event: 'urgent', time: -1 }, 'field "time" must be >= 0'],
    ['an unknown event', { type: 'event', event: 'closed' }, 'has event "closed", which is not one the protocol knows'],
    ['accepted without its port', { type: 'event', event: 'accepted' }, 'lacks the field "remotePort"'],
  ])('%s fails: %s', (_, message, phrase) => {
    expect(adapterProblem(message)).toContain(phrase);
  });

  test('a line that is not JSON is told apart from one that breaks the schema', () => {
    expect(checkAdapterLine('DEBUG tcp_write')).toEqual({ ok: false, notJson: true });
  });
});

describe('messages the harness sends', () => {
  test.each([
    ['packet', { type: 'packet', hex: synHex }],
    ['listen', { type: 'call', id: 1, call: 'listen', port: 8080 }],
    ['connect', { type: 'call', id: 2, call: 'connect', host: '198.18.0.2', port: 8080 }],
    ['connect from a port', { type: 'call', id: 2, call: 'connect', host: '198.18.0.2', port: 8080, localPort: 40000 }],
    ['write', { type: 'call', id: 3, call: 'write', bytes: 500 }],
    ['read', { type: 'call', id: 4, call: 'read' }],
    ['read some', { type: 'call', id: 4, call: 'read', bytes: 10 }],
    ['stop-reading', { type: 'call', id: 5, call: 'stop-reading' }],
    ['shutdown', { type: 'call', id: 6, call: 'shutdown' }],
    ['close', { type: 'call', id: 7, call: 'close' }],
    ['abort', { type: 'call', id: 8, call: 'abort' }],
    ['state', { type: 'call', id: 9, call: 'state' }],
    ['set-option', { type: 'call', id: 10, call: 'set-option', name: 'rcvbuf', value: 4096 }],
    ['set-option keepalive-idle', { type: 'call', id: 10, call: 'set-option', name: 'keepalive-idle', value: 1000 }],
    ['write-urgent', { type: 'call', id: 12, call: 'write-urgent', bytes: 1 }],
    ['at-mark', { type: 'call', id: 13, call: 'at-mark' }],
    ['advance', { type: 'advance', id: 11, to: 1500, untilOutput: true }],
  ])('%s passes', (_, message) => {
    expect(harnessProblem(message)).toBeUndefined();
  });

  test.each([
    ['connect without a host', { type: 'call', id: 2, call: 'connect', port: 8080 }, 'lacks the field "host"'],
    ['a host name for a host', { type: 'call', id: 2, call: 'connect', host: 'example.org', port: 80 }, 'field "host" must match pattern'],
    ['port 0', { type: 'call', id: 1, call: 'listen', port: 0 }, 'field "port" must be >= 1'],
    ['an argument a call does not take', { type: 'call', id: 5, call: 'close', bytes: 1 }, 'has an unknown field "bytes"'],
    ['an unknown call', { type: 'call', id: 1, call: 'fly' }, 'has call "fly", which is not one the protocol knows'],
    ['an unknown option', { type: 'call', id: 1, call: 'set-option', name: 'tos', value: 0 }, 'field "name" must be equal to one of the allowed values'],
    ['write-urgent without bytes', { type: 'call', id: 1, call: 'write-urgent' }, 'lacks the field "bytes"'],
    ['id 0', { type: 'call', id: 0, call: 'close' }, 'field "id" must be >= 1'],
    ['an advance without untilOutput', { type: 'advance', id: 1, to: 5 }, 'lacks the field "untilOutput"'],
    ['a negative time', { type: 'advance', id: 1, to: -5, untilOutput: false }, 'field "to" must be >= 0'],
  ])('%s fails: %s', (_, message, phrase) => {
    expect(harnessProblem(message)).toContain(phrase);
  });
});
