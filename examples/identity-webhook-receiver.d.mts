// Types for the example receiver, so aizuchi's TypeScript tests can run it (identity-webhook-receiver.mjs).
import type http from 'node:http';

export declare const WINDOW_SECONDS: number;
export declare function sign(secret: string, timestamp: string, body: string): string;
export declare function signatureMatches(secret: string, timestamp: string, body: string, header: unknown): boolean;

export interface ExampleFactor {
  id: string;
  type: string;
  label?: string;
}

export interface ExampleAccount {
  id: string;
  email: string;
  phone: string;
  lang: string;
  name: string;
  nameKana?: string;
  nameLatin?: string;
  privileged: boolean;
  factors?: ExampleFactor[];
  sessions?: string[];
  lastSignIn?: string | null;
}

export interface StoredExampleAccount extends Required<Omit<ExampleAccount, 'nameKana' | 'nameLatin'>> {
  nameKana?: string;
  nameLatin?: string;
  newFactorRequired: boolean;
  frozen: boolean;
}

export declare class InMemoryDirectory {
  constructor(accounts?: ExampleAccount[]);
  readonly accounts: Map<string, StoredExampleAccount>;
  add(account: ExampleAccount): string;
}

export interface ReceiverOptions {
  secret: string;
  directory: InMemoryDirectory;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

export declare function createHandler(
  options: ReceiverOptions,
): (method: string, headers: Record<string, unknown>, body: string) => { status: number; body: string; headers: Record<string, string> };
export declare function createIdentityWebhookReceiver(options: ReceiverOptions): http.Server;
