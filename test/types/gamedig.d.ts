// The part of gamedig's API the tests use (the package ships no types).
declare module 'gamedig' {
  export interface QueryOptions {
    type: string;
    host: string;
    port?: number;
    maxRetries?: number;
    socketTimeout?: number;
    attemptTimeout?: number;
    givenPortOnly?: boolean;
    requestRules?: boolean;
    requestRulesRequired?: boolean;
    requestPlayers?: boolean;
  }
  export interface QueryResult {
    name: string;
    map: string;
    password: boolean;
    numplayers: number;
    maxplayers: number;
    players: { name?: string; raw?: Record<string, unknown> }[];
    bots: unknown[];
    raw: Record<string, unknown>;
    version: string;
  }
  export class GameDig {
    static query(options: QueryOptions): Promise<QueryResult>;
  }
}
