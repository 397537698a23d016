/**
 * What a socket option means for the reference machine, which models those RFC 9293 names: Nagle off
 * (§3.7.4, MUST-17), the user timeout (§3.8.3, MUST-21), keep-alives (§3.8.4); and the receive buffer,
 * RCV.BUFF; and the Differentiated Services codepoint, which TCP passes to IP unchanged (§3.9.1.9,
 * SHLD-22). Options live on the socket, so they outlast the endpoints a listen or connect replaces.
 */
import type { EndpointOptions, KeepAlive, Profile, SettingChanges } from '../../reference';
import type { SocketOptionName } from '../target';

/** The largest window the machine offers: it negotiates no window scaling (RFC 9293 §3.1). */
const MAX_RECEIVE_BUFFER = 0xffff;

export class SocketOptions {
  private nagle = true;
  private userTimeoutMs: number | undefined;
  private keepAlive: Partial<{ -readonly [K in keyof KeepAlive]: KeepAlive[K] }> = {};
  private receiveBuffer: number | undefined;
  /** SO_LINGER with a zero time: close resets the connection, as ABORT does. */
  closeAborts = false;
  /** The codepoint IP sends the socket's datagrams with (IP_TOS). */
  dscp = 0;

  /** Sets `name`; the change to the machine's current connection, if the option is one the machine models. */
  set(name: SocketOptionName, value: number): SettingChanges | undefined {
    switch (name) {
      case 'nodelay':
        this.nagle = value === 0;
        return { nagle: this.nagle };
      case 'user-timeout':
        // Zero asks for the default, as TCP_USER_TIMEOUT's does.
        this.userTimeoutMs = value === 0 ? undefined : value;
        return { userTimeoutMs: this.userTimeoutMs };
      case 'keepalive':
        return this.keepAliveChange({ enabled: value !== 0 });
      case 'keepalive-idle':
        return this.keepAliveChange({ idleMs: value });
      case 'keepalive-interval':
        return this.keepAliveChange({ intervalMs: value });
      case 'keepalive-count':
        return this.keepAliveChange({ count: value });
      case 'rcvbuf':
        // RCV.BUFF of the connections opened from now on; the machine's window field holds no more.
        this.receiveBuffer = Math.min(value, MAX_RECEIVE_BUFFER);
        return undefined;
      case 'linger':
        // A lingering close waits in the application; on the wire it is CLOSE, unless the time is zero.
        this.closeAborts = value === 0;
        return undefined;
      case 'dscp':
        // Not TCP's: the target's IP layer writes it into each datagram from now on.
        this.dscp = value;
        return undefined;
      case 'sndbuf':
        // SEND queues without bound in the machine, and the application side answers every write at once.
        return undefined;
    }
  }

  /** The profile and options a new endpoint (a listen, a connect) starts with. */
  forEndpoint(profile: Profile, iss: number): { profile: Profile; options: EndpointOptions } {
    return {
      profile: this.receiveBuffer === undefined ? profile : { ...profile, receiveBuffer: this.receiveBuffer },
      options: { iss, nagle: this.nagle, userTimeoutMs: this.userTimeoutMs, keepAlive: this.keepAlive },
    };
  }

  private keepAliveChange(change: Partial<KeepAlive>): SettingChanges {
    this.keepAlive = { ...this.keepAlive, ...change };
    return { keepAlive: change };
  }
}
