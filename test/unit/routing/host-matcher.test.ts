import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostMatcher } from '../../../proxy-worker/routing/host-matcher.js';
import { minecraftRouteHost } from '../../../proxy-worker/routing/routing-host.js';

describe('HostMatcher', () => {
  const matcher = new HostMatcher<string>([
    ['a.example.net', 'a'],
    ['*.a.example.net', 'below-a'],
    ['*.example.net', 'any'],
    ['B.Example.Net.', 'b'],
    ['10.0.0.1', 'ip'],
  ]);

  it('matches exact names case-insensitively, a trailing dot ignored on either side', () => {
    assert.equal(matcher.match('a.example.net'), 'a');
    assert.equal(matcher.match('A.EXAMPLE.NET.'), 'a');
    assert.equal(matcher.match('b.example.net'), 'b');
    assert.equal(matcher.match('10.0.0.1'), 'ip');
  });

  it('prefers an exact name, then the most specific wildcard', () => {
    assert.equal(matcher.match('x.a.example.net'), 'below-a');
    assert.equal(matcher.match('y.x.a.example.net'), 'below-a');
    assert.equal(matcher.match('c.example.net'), 'any');
  });

  it('does not let a wildcard match its own base or unrelated names', () => {
    assert.equal(matcher.match('example.net'), undefined);
    assert.equal(matcher.match('example.org'), undefined);
    assert.equal(matcher.match('notexample.net'), undefined);
    assert.equal(matcher.match(''), undefined);
  });
});

describe('minecraftRouteHost', () => {
  it('drops Forge markers and forwarding suffixes, keeping the host as written', () => {
    assert.equal(minecraftRouteHost('play.example.net'), 'play.example.net');
    assert.equal(minecraftRouteHost('play.example.net\0FML\0'), 'play.example.net');
    assert.equal(minecraftRouteHost('play.example.net\0FML3\0'), 'play.example.net');
    assert.equal(minecraftRouteHost('play.example.net///203.0.113.9:51234///1700000000'), 'play.example.net');
    assert.equal(minecraftRouteHost('Play.Example.NET.\0FML2\0///1.2.3.4:5///6'), 'Play.Example.NET.');
  });
});
