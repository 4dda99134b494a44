import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'Stable machine-readable code, e.g. ERR_PROXY_NOT_FOUND.' }),
        message: Type.String({ description: 'What went wrong, for a human.' }),
        details: Type.Optional(Type.Unknown({ description: 'Extra structured data, e.g. the config problems of a rejected body.' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ConfigProblem = Type.Object(
  {
    path: Type.String({ description: 'Dotted path of the field, e.g. load_balancing.algorithm ("" for the whole document).' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

export const ProxyName = Type.String({ description: 'The proxy\'s `name` from its YAML file.' });

export const StatusReply = (status: string, extra: Record<string, ReturnType<typeof Type.String>> = {}) =>
  Type.Object({ status: Type.Literal(status), name: Type.String(), ...extra }, { additionalProperties: false });
