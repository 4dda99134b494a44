// The IPC handler tables are checked for exhaustiveness by the compiler. The `@ts-expect-error`
// lines below are the type-level test: each assigns a real table to the table type of a protocol
// with one more message. If that ever compiles (a table type stopped requiring a handler per
// message), TypeScript reports the directive as unused and `npm test` fails at the build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FACT_TYPES, isMessageOf, type CommandMessage, type FactMap, type FactMessage, type MessageHandlers, type RequestHandlers, type RequestMap } from '../../../shared/ipc/protocol.js';
import { COMMAND_HANDLERS, REQUEST_HANDLERS, type CommandContext } from '../../../proxy-worker/ipc/supervisor-handlers.js';
import type { WorkerSession } from '../../../proxy-worker/runtime/worker-session.js';
import { FACT_HANDLERS, type ProxyController } from '../../../supervisor/workers/proxy-controller.js';
import type { ProxyWorker } from '../../../supervisor/workers/proxy-worker.js';

type RequestsPlusOne = RequestMap & { 'proxy.new-request': { params: { x: number }; result: { y: number } } };
type CommandsPlusOne = CommandMessage | { type: 'proxy.new-command' };
type FactsPlusOne = FactMessage | { type: 'worker.new-fact'; detail: string };

// @ts-expect-error a request without a handler in the worker's table does not compile
export const requestsMissingOne: RequestHandlers<WorkerSession, RequestsPlusOne> = REQUEST_HANDLERS;
// @ts-expect-error a command without a handler in the worker's table does not compile
export const commandsMissingOne: MessageHandlers<CommandsPlusOne, CommandContext> = COMMAND_HANDLERS;
// @ts-expect-error a fact without a handler in the supervisor's table does not compile
export const factsMissingOne: MessageHandlers<FactsPlusOne, { controller: ProxyController; worker: ProxyWorker }> = FACT_HANDLERS;
// @ts-expect-error the fact tag list must name every fact (and only those)
export const tagsMissingOne: Readonly<Record<keyof FactMap | 'worker.new-fact', true>> = FACT_TYPES;

test('the tables compile as they are: every message has its handler', () => {
  const requests: RequestHandlers<WorkerSession> = REQUEST_HANDLERS;
  const commands: MessageHandlers<CommandMessage, CommandContext> = COMMAND_HANDLERS;
  assert.ok(Object.keys(requests).includes('proxy.drain'));
  assert.ok(['proxy.suspend', 'proxy.resume'].every((type) => Object.hasOwn(commands, type)));
  assert.deepEqual(Object.keys(FACT_HANDLERS).sort(), Object.keys(FACT_TYPES).sort());
});

test('the envelope guard accepts exactly the tags a table handles', () => {
  assert.equal(isMessageOf<CommandMessage>({ type: 'proxy.resume' }, COMMAND_HANDLERS), true);
  assert.equal(isMessageOf<CommandMessage>({ type: 'proxy.start', id: 1 }, COMMAND_HANDLERS), false);
  assert.equal(isMessageOf<CommandMessage>({ type: 'toString' }, COMMAND_HANDLERS), false, 'inherited keys are not tags');
  assert.equal(isMessageOf<CommandMessage>(null, COMMAND_HANDLERS), false);
  assert.equal(isMessageOf<CommandMessage>('proxy.resume', COMMAND_HANDLERS), false);
});
