import type { Config } from '../config';
import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import { createLiveSettings, createOperatorRoles, settingsFromEnv } from '../settings';
import type { Store } from '../store/connect';
import type { PubSub } from '../store/pubsub';

/**
 * Hours, closed dates, holidays and the policy: the environment's values until an admin saves their
 * own in the console; every process then switches without a restart (src/settings). Read once here,
 * so the first caller already sees what is in force. Also the local operators' console roles.
 */
export async function composeSettings(deps: { config: Config; store: Store; pubsub: PubSub; clock: Clock; logger: Logger }) {
  const { config } = deps;
  const settings = createLiveSettings({
    store: deps.store,
    pubsub: deps.pubsub,
    clock: deps.clock,
    logger: deps.logger,
    timeZone: config.calendar.timeZone,
    defaults: settingsFromEnv(config),
  });
  await settings.refresh();
  return { settings, operatorRoles: createOperatorRoles({ store: deps.store, clock: deps.clock }) };
}
