/**
 * The control connection to `tcpconform-agent --listen` on the target host: the agent conversation
 * (agent-session.ts) over TCP instead of a child's stdin and stdout. One connection is one agent
 * session, so one case: the agent resets what the session opened when the connection ends.
 *
 * The connection is made from inside the harness's namespace (netns addon), the only place that reaches
 * the agent's address.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';

import { AgentSession } from '../agent-session';
import type { AgentRequest } from '../agent-session';
import type { AppResult, TimedEvent } from '../target';
import type { Endpoint } from './config';
import type { NetnsAddon } from './native';

const CONNECT_TIMEOUT_MS = 3000;

export class AgentControl {
  private readonly session: AgentSession;

  private constructor(private readonly socket: net.Socket, agent: Endpoint) {
    const error = (problem: string): Error => new Error(`the control connection to tcpconform-agent at ${agent.host}:${agent.port}: the agent ${problem}`);
    this.session = new AgentSession({ write: (line) => socket.write(`${line}\n`), error });
    socket.on('error', (cause) => this.session.fail(new Error(`the control connection to tcpconform-agent at ${agent.host}:${agent.port} failed: ${cause.message}`)));
    socket.on('close', () => this.session.fail(new Error(`the control connection to tcpconform-agent at ${agent.host}:${agent.port} was closed by the agent`)));
    createInterface({ input: socket }).on('line', (line) => this.session.take(line));
  }

  /** Connects from inside the namespace at `netnsPath`; rejects with one sentence when the agent is not there. */
  static async connect(addon: NetnsAddon, netnsPath: string, agent: Endpoint): Promise<AgentControl> {
    let fd: number;
    try {
      fd = await addon.connectIn(netnsPath, agent.host, agent.port, CONNECT_TIMEOUT_MS);
    } catch (error) {
      throw new Error(`cannot reach tcpconform-agent at ${agent.host}:${agent.port} (${(error as Error).message}): is it running there with --listen ${agent.host}:${agent.port}?`);
    }
    return new AgentControl(new net.Socket({ fd, readable: true, writable: true }), agent);
  }

  call(request: AgentRequest): Promise<AppResult> {
    return this.session.call(request);
  }

  /** Events since the previous call, oldest first. */
  takeEvents(): TimedEvent[] {
    return this.session.takeEvents();
  }

  /** Ends the session: the agent resets what it opened. Immediate, so exit paths can use it too. */
  close(): void {
    this.session.fail(new Error('the target is closed'));
    this.socket.destroy();
  }
}
