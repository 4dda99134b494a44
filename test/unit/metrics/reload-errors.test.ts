import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReloadErrorCounter } from '../../../supervisor/metrics/reload-errors.js';

const problem = (message: string) => [{ path: 'dest-port', message }];

test('a rejected proxy file counts once per rejected content, not once per reload', () => {
  const counter = new ReloadErrorCounter();
  const files = [{ file: '/p/a.yaml', text: 'bad' }, { file: '/p/b.yaml', text: 'good' }];
  counter.recordProxyFiles(files, [{ file: '/p/a.yaml', issues: problem('not a port') }]);
  counter.recordProxyFiles(files, [{ file: '/p/a.yaml', issues: problem('not a port') }]);
  assert.equal(counter.total, 1);
  counter.recordProxyFiles([{ file: '/p/a.yaml', text: 'worse' }, files[1]!], [{ file: '/p/a.yaml', issues: problem('not a port') }]);
  assert.equal(counter.total, 2, 'an edit that is still invalid counts again');
  counter.recordProxyFiles(files, []);
  counter.recordProxyFiles(files, [{ file: '/p/a.yaml', issues: problem('not a port') }]);
  assert.equal(counter.total, 3, 'invalid again after being fixed');
});

test('a file that becomes invalid because of another file counts', () => {
  const counter = new ReloadErrorCounter();
  const files = [{ file: '/p/a.yaml', text: 'same' }];
  counter.recordProxyFiles(files, []);
  counter.recordProxyFiles(files, [{ file: '/p/a.yaml', issues: problem('port taken by b') }]);
  assert.equal(counter.total, 1);
});

test('a rejected global.yaml counts every time', () => {
  const counter = new ReloadErrorCounter();
  counter.recordGlobalRejected();
  counter.recordGlobalRejected();
  assert.equal(counter.total, 2);
});
