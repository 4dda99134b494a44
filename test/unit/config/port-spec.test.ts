import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortSpec } from '../../../shared/config/port-spec.js';

function portsOf(spec: string | number): number[] {
  const parsed = parsePortSpec(spec);
  assert.ok(parsed.ok, `expected ${JSON.stringify(spec)} to parse, got: ${parsed.ok ? '' : parsed.error}`);
  return parsed.value;
}

function errorOf(spec: string | number): string {
  const parsed = parsePortSpec(spec);
  assert.equal(parsed.ok, false, `expected ${JSON.stringify(spec)} to be refused`);
  return parsed.ok ? '' : parsed.error;
}

describe('parsePortSpec', () => {
  it('reads a single port, as a number or a string', () => {
    assert.deepEqual(portsOf(25565), [25565]);
    assert.deepEqual(portsOf('25565'), [25565]);
    assert.deepEqual(portsOf(' 25565 '), [25565]);
  });

  it('expands a range, both ends included', () => {
    assert.deepEqual(portsOf('25565:25567'), [25565, 25566, 25567]);
    assert.deepEqual(portsOf('1:2'), [1, 2]);
  });

  it('reads comma lists of ports and ranges, in written order', () => {
    assert.deepEqual(portsOf('25565,25570,27015:27017'), [25565, 25570, 27015, 27016, 27017]);
    assert.deepEqual(portsOf('25566, 25565'), [25566, 25565]);
  });

  it('drops repeated ports and keeps the first occurrence', () => {
    assert.deepEqual(portsOf('25565,25564:25566,25565'), [25565, 25564, 25566]);
  });

  it('refuses a range whose low end is not below its high end', () => {
    assert.equal(errorOf('25575:25565'), 'invalid port range "25575:25565": low must be less than high');
    assert.equal(errorOf('80:80'), 'invalid port range "80:80": low must be less than high (write a single port as "80")');
  });

  it('refuses port 0 and ports above 65535', () => {
    assert.equal(errorOf(0), 'port 0 is out of range 1-65535');
    assert.equal(errorOf('65536'), 'port 65536 is out of range 1-65535');
    assert.equal(errorOf('0:10'), 'port 0 in range "0:10" is out of range 1-65535');
    assert.equal(errorOf('65535:65536'), 'port 65536 in range "65535:65536" is out of range 1-65535');
  });

  it('accepts the edges of the port range', () => {
    assert.deepEqual(portsOf('1'), [1]);
    assert.deepEqual(portsOf(65535), [65535]);
  });

  it('refuses junk with the part that is wrong', () => {
    assert.equal(errorOf('abc'), 'invalid port "abc": expected a number like 25565 or a range like 25565:25575');
    assert.equal(errorOf('25565,x'), 'invalid port "x": expected a number like 25565 or a range like 25565:25575');
    assert.equal(errorOf('1:2:3'), 'invalid port range "1:2:3": expected low:high, like 25565:25575');
    assert.equal(errorOf('-5'), 'invalid port "-5": expected a number like 25565 or a range like 25565:25575');
    assert.equal(errorOf(25565.5), 'invalid port "25565.5": must be a whole number');
    assert.equal(errorOf(' , '), 'must not be empty (write a port like "25565" or a range like "25565:25575")');
  });
});
