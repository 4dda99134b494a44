import { createHmac, randomBytes } from 'node:crypto';

/** How long a challenge stays good: two windows of this, so a client's challenge survives one rollover. */
const WINDOW_MS = 30_000;

/**
 * Issues and checks A2S challenges without keeping state per client: a challenge is a keyed hash
 * of the client's address, port and the current time window. Only a client that receives the
 * reply at its source address can send the challenge back, so a spoofed source never gets more
 * than the challenge itself.
 */
export class ChallengeIssuer {
  private readonly secret = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  issue(address: string, port: number): number {
    return this.challengeFor(address, port, Math.floor(this.now() / WINDOW_MS));
  }

  verify(address: string, port: number, challenge: number): boolean {
    const window = Math.floor(this.now() / WINDOW_MS);
    return challenge === this.challengeFor(address, port, window) || challenge === this.challengeFor(address, port, window - 1);
  }

  private challengeFor(address: string, port: number, window: number): number {
    const value = createHmac('sha256', this.secret).update(`${address}|${port}|${window}`).digest().readInt32LE(0);
    // -1 means "no challenge" in A2S requests; never hand it out.
    return value === -1 ? 0 : value;
  }
}
