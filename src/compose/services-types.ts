import type { Dialer } from '../cases/callback-job';
import type { CaseService } from '../cases/case-service';
import type { RecoveryRequestService } from '../cases/recovery-request';
import type { RecoveryUndo } from '../cases/recovery-undo';
import type { CallService } from '../calls';
import type { LiveCalls } from '../calls/live/live-calls';
import type { DeskPresence } from '../calls/live/desk-presence';
import type { OperatorDesk } from '../calls/transfer/operator-desk';
import type { CallTaps } from '../calls/live/call-tap';
import type { Config } from '../config';
import type { BusinessCalendar } from '../domain/calendar';
import type { Clock } from '../domain/clock';
import type { IdentityProvider } from '../identity/provider';
import type { IdentityService } from '../identity/service';
import type { JobSystem } from '../jobs/job-system';
import type { RecurringJob } from '../jobs/recurring';
import type { MailCatcher } from '../mail/mail-catcher';
import type { MailSender } from '../mail/sender';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { Keys } from '../security/keys';
import type { Store } from '../store/connect';
import type { PubSub } from '../store/pubsub';
import type { LiveSettings, OperatorRoles } from '../settings';
import type { Softphone } from '../telephony/softphone';
import type { OpenCarrierLine } from '../telephony/carrier';
import type { ComposedAudioSocket } from './audiosocket';
import type { CarrierFactory, ComposedCarrier } from './telephony';

/**
 * Everything built from configuration (by createServices in src/main.ts). The server and every CLI
 * command take what they need from here; nothing else reads the environment or creates singletons.
 */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  keys: Keys;
  clock: Clock;
  /** The business calendar in force: settings.calendar (an admin's save reaches it without a restart). */
  calendar: BusinessCalendar;
  /** Hours, closed dates, holidays and the policy preset as an admin set them over the environment's (console /console/settings). */
  settings: LiveSettings;
  /** Local operators' console roles (console_roles; `aizuchi operators role`, audited). */
  operatorRoles: OperatorRoles;
  /** The embedded provider: operators' accounts and the sign-in pages (and customers when AIZUCHI_IDENTITY=embedded). */
  identity: IdentityService;
  /** Where customer accounts live (AIZUCHI_IDENTITY): recovery requests, calls and resets act here. */
  accounts: IdentityProvider;
  cases: CaseService;
  recovery: RecoveryRequestService;
  /** What the "this wasn't me" link does. */
  undo: RecoveryUndo;
  jobs: JobSystem;
  mail: { sender: MailSender; catcher: MailCatcher | null };
  calls: CallService;
  /** Calls in progress and their transcripts as they happen (the console's live calls view). */
  live: LiveCalls;
  /** Operators whose console softphone is connected, for live transfers (issue 10). */
  desk: OperatorDesk;
  /** Audio taps of the voice calls this process runs (listen in from /console/live). */
  taps: CallTaps;
  /** "Is any operator available?" across every process on the database (desk counts over pubsub); started by a web-role server. */
  deskPresence: DeskPresence;
  /** The browser softphone that due callbacks ring; null when disabled. */
  softphone: Softphone | null;
  /**
   * The carrier AIZUCHI_TELEPHONY names (its CarrierEvents for webhooks and the media-stream
   * endpoint), or null for the softphone.
   */
  telephony: ComposedCarrier | null;
  /** The Asterisk AudioSocket listener (AIZUCHI_AUDIOSOCKET_LISTEN), started by the server; null when unset. */
  audioSocket: ComposedAudioSocket | null;
  /** How a due callback (or an operator's call-now) rings the customer. */
  dialer: Dialer;
  /** Housekeeping jobs that re-enqueue themselves; the server makes sure each is queued. */
  recurring: RecurringJob[];
  /** Messages between processes on one database (LISTEN/NOTIFY on PostgreSQL, in-process on SQLite). */
  pubsub: PubSub;
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger?: Logger;
  clock?: Clock;
  /** How a due callback rings the customer; the default leaves the case waiting in `calling`. */
  dialer?: Dialer;
  /** false: no built-in browser softphone (tests that build their own). */
  withSoftphone?: boolean;
  /** Tests: the carrier AIZUCHI_TELEPHONY stands for, instead of the adapter registry's (e.g. a FakeCarrier). */
  carrier?: CarrierFactory;
  /** Tests: the line a carrier call's audio runs over, instead of the voice engines (e.g. a scripted text line). */
  carrierLine?: OpenCarrierLine;
}
