/** Admin settings of the business calendar and policy, over the environment's defaults (issue 10). */
export {
  type BusinessSettings,
  HOURS_STEP_MIN,
  MAX_CLOSED_DATES,
  type SettingsCheck,
  type SettingsForm,
  type SettingsProblem,
  WEEKDAYS,
  type Weekday,
  checkSettingsForm,
  hoursByWeekday,
  isWeakerPolicy,
  settingsChanges,
} from './business-settings';
export {
  type LiveSettings,
  type LiveSettingsDeps,
  SETTINGS_CHANGED_EVENT,
  SETTINGS_CHANNEL,
  SETTINGS_REFRESH_MS,
  type SettingsSnapshot,
  createLiveSettings,
} from './live-settings';
export { calendarOf, settingsFromEnv } from './saved-settings';
export { type OperatorNames, type OperatorNamesLookup, createOperatorNames } from './operator-names';
export { DEFAULT_LOCAL_ROLE, OPERATOR_ROLE_CHANGED_EVENT, type OperatorRoles, createOperatorRoles } from './operator-roles';
export {
  CONSOLE_SESSION_REVOKED_EVENT,
  type ConsoleSessionRow,
  type ConsoleSessions,
  type RevokeRefusal,
  type SessionActor,
  type SessionMethod,
  createConsoleSessions,
} from './console-sessions';
