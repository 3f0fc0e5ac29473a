/** Carrier calls (issue 8): the carrier Dialer and its outbound-call job, and the CarrierEvents adapters report to. */
export { createCarrierDialer, PLACE_CALL_JOB, PLACE_CALL_MAX_TRIES, type PlaceCallPayload } from './carrier-dialer';
export { createPlaceCallJobHandler, type PlaceCallJobDeps } from './place-call-job';
export { createCarrierCallService, type CarrierCallService, type CarrierCallServiceDeps } from './carrier-events';
export type { CarrierCallBackend, CarrierCaseBackend, CarrierCaseRow, ConnectedCarrierCall, OpenCarrierLine } from './carrier-ports';
export { carrierCallRows, type DialState } from './carrier-call-rows';
export { createMachineMessagePlayer, machineMessageText, speakOnLine, type FramePacer, type MachineMessagePlayer } from './machine-message';
export { GREETING_RULES, GreetingClassifier, type GreetingRules, type GreetingVerdict } from './greeting-classifier';
export { GatedAudio, listenToGreeting, type GateResult } from './gated-audio';
