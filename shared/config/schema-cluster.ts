// The `cluster:` block of global.yaml: several RouteX nodes sharing one ban list and cluster-wide
// bandwidth quotas through one Redis. Absent or `enabled: false` means a single node on SQLite,
// with no Redis client loaded at all.
import { Type } from '@sinclair/typebox';
import { Block, Flag, Formatted, Text } from './schema-common.js';

const RedisTlsSchema = Block(
  {
    enabled: Flag('Connects to Redis over TLS (a "rediss://" url turns it on too).', false),
    ca_file: Text('PEM file of the CA that signed the Redis server\'s certificate; empty = the system\'s trusted CAs. A relative path is relative to the folder of global.yaml.', ''),
    cert_file: Text('PEM client certificate, for a Redis that checks clients (its tls-auth-clients, on by default); needs key_file.', ''),
    key_file: Text('PEM private key of cert_file.', ''),
  },
  'TLS to Redis. The server\'s certificate is always verified (against ca_file, or the system\'s CAs).',
);

const RedisSchema = Block(
  {
    url: Type.Optional(Formatted('redis-url', 'The Redis every node of the cluster uses: "redis://host:port/db" ("rediss://" for TLS); a user name may go before the host ("redis://routex@10.0.0.5:6379"), the password goes in password_file. Required when cluster.enabled is true.', '')),
    password_file: Text('File holding the Redis password (its first line; for Redis ACL users, the user\'s password and the user name in url). Read at start; a relative path is relative to the folder of global.yaml. Empty = no password.', ''),
    tls: RedisTlsSchema,
    key_prefix: Type.Optional(Formatted('key-prefix', 'Prefix of every Redis key and channel RouteX uses, so several clusters can share one Redis: up to 64 letters, digits, ":", ".", "_" or "-".', 'routex:')),
  },
  'The Redis server that holds the shared state.',
);

export const ClusterSchema = Block(
  {
    enabled: Flag('Shares the ban list and bandwidth quotas with the other nodes through Redis (an addition to the spec). false: one node, SQLite only, no Redis client loaded.', false),
    node_id: Type.Optional(Formatted('node-id', 'This node\'s name in the cluster, unique per node: shown as the source of its bans and in its usage. Empty = the host name.', '')),
    redis: RedisSchema,
  },
  'Several RouteX nodes with one policy: bans reach every node, and proxies with bandwidth.scope: cluster count their quota over every node. See "Cluster" in the README.',
);
