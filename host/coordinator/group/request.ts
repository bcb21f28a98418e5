// What group handlers share: the calling client as the coordinator sees it (Kafka reports the
// host as InetAddress.toString(), "/127.0.0.1"), and the group service or null when the broker
// runs without one.
import type { RequestContext } from '../../broker/handler.js';
import type { GroupService } from './runtime.js';
import type { Client } from './shard.js';

export function clientOf(ctx: RequestContext): Client {
  return { clientId: ctx.clientId ?? '', clientHost: `/${hostOnly(ctx.conn.remoteAddress)}`, apiVersion: ctx.apiVersion };
}

/** "127.0.0.1:5000" → "127.0.0.1", "[::1]:5000" → "::1". */
export function hostOnly(address: string): string {
  const v6 = /^\[(.*)\](?::\d+)?$/.exec(address);
  if (v6) return v6[1]!;
  const v4 = /^([^:]*):\d+$/.exec(address);
  return v4 ? v4[1]! : address;
}

export function groupsOf(ctx: RequestContext): GroupService | null {
  return ctx.broker.groups ?? null;
}
