import type net from 'node:net';
import { inspectMinecraftJava, MAX_JAVA_FIRST_BYTES, newHandshakeFields } from '../l7/detectors/minecraft-java.js';
import type { FirstBytesContext, FirstBytesStep, LocalAnswer, StepDecision } from '../first-bytes/first-bytes-step.js';
import type { JavaHandshake, LocalJavaAnswer } from '../minecraft/java-answers.js';
import { sendLoginDisconnect, StatusResponder } from '../minecraft/status-responder.js';
import type { RoutingContext, RoutedTarget } from './routing-context.js';
import { minecraftRouteHost } from './routing-host.js';

/**
 * The Minecraft Java step of the first-bytes stage: reads the handshake (the L7 detector's
 * grammar), picks the route by its server address when `routing.by` is minecraft-host, and
 * answers server-list pings and logins itself when the route's status cache, offline status or
 * the unknown-host rejection says so. Everything else goes on to the route's backends.
 */
export function minecraftStep(context: RoutingContext): FirstBytesStep {
  const fields = newHandshakeFields();
  const byHost = context.config.routing.by === 'minecraft-host';
  return {
    name: byHost ? 'routing (minecraft-host)' : 'minecraft answers',
    maxBytes: MAX_JAVA_FIRST_BYTES,
    timeoutMs: context.config.routing.handshakeTimeoutMs,
    decide(ctx: FirstBytesContext): StepDecision {
      const verdict = inspectMinecraftJava(ctx.bytes, ctx.start, ctx.end, ctx.complete, fields);
      if (verdict === 'need-more') return 'need-more';
      // No readable handshake (junk, or the legacy FE ping): no host to route by.
      if (verdict !== 'pass' || fields.legacy) return byHost ? context.unknownHost(ctx) : 'pass';
      const handshake: JavaHandshake = {
        protocolVersion: fields.protocolVersion,
        serverAddress: Buffer.from(ctx.bytes.buffer, ctx.bytes.byteOffset + fields.hostStart, fields.hostEnd - fields.hostStart).toString('utf8'),
        serverPort: fields.port,
        nextState: fields.nextState,
      };
      const afterHandshake = fields.end;
      const target = byHost ? context.forHost(minecraftRouteHost(handshake.serverAddress), ctx) : context.listenerRoute(ctx);
      if (target === null) {
        context.routingRejected();
        return answer(context.java.unknownHost(handshake), ctx, afterHandshake, null);
      }
      const decision = context.java.decide(handshake, target.cacheKey, target.route.pool.hasHealthy(target.group), () => context.fetchStatus(target, handshake, ctx.client.ip));
      if (decision.kind !== 'forward') return answer(decision, ctx, afterHandshake, target);
      if (context.config.offlineStatus.enabled) ctx.dialFailed = offlineFallback(context, handshake, ctx, afterHandshake, target);
      return target.choice;
    },
  };
}

/** A local answer; `target` null = an unknown host (not counted as the route's). */
function answer(decision: LocalJavaAnswer, ctx: FirstBytesContext, afterHandshake: number, target: RoutedTarget | null): LocalAnswer {
  const leftover = Buffer.from(ctx.bytes.subarray(afterHandshake, ctx.end));
  return { kind: 'answer', tcp: (socket) => respond(socket, decision, leftover, target) };
}

function respond(socket: net.Socket, decision: LocalJavaAnswer, leftover: Buffer, target: RoutedTarget | null): void {
  if (target !== null) target.route.answered++;
  if (decision.kind === 'status') new StatusResponder(socket, leftover, decision.status, () => undefined);
  else sendLoginDisconnect(socket, decision.message, () => undefined);
}

/** When the dial fails: the offline answer, with the bytes the client sent after its handshake. */
function offlineFallback(context: RoutingContext, handshake: JavaHandshake, ctx: FirstBytesContext, afterHandshake: number, target: RoutedTarget): (client: net.Socket) => void {
  const leftover = Buffer.from(ctx.bytes.subarray(afterHandshake, ctx.end));
  return (client) => {
    const decision = context.java.offline(handshake);
    if (decision === null) client.destroy();
    else respond(client, decision, leftover, target);
  };
}
