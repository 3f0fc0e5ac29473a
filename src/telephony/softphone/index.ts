export * from './protocol';
export {
  createSoftphoneChannel,
  SoftphoneFrameError,
  type SoftphoneChannel,
  type SoftphoneChannelOptions,
  type SoftphoneControl,
} from './softphone-channel';
export { wsSoftphoneSocket, type SoftphoneSocket } from './softphone-socket';
export {
  createSoftphoneCalls,
  SOFTPHONE_CHANNEL,
  type SoftphoneCallBackend,
  type SoftphoneCallPort,
  type SoftphoneCalls,
} from './softphone-calls';
export { createSoftphoneHub, type SoftphoneHub } from './softphone-hub';
export { openSoftphoneLine, type SoftphoneLine, type SoftphoneSessionStarter } from './softphone-line';
export { createSoftphoneLinks, softphoneUrl, type SoftphoneLinks, type SoftphoneLinkTarget } from './softphone-links';
export { nextLineState, initialLineState, type LineState, type LineEvent, type LineEffect, type UnansweredOutcome } from './ring-state';
export { createSoftphoneSessionStarter, type ConnectedSoftphoneCall, type OpenVoiceLine } from './softphone-session';
export { softphoneTextCall } from './softphone-text-call';
export { createSoftphone, type Softphone } from './create-softphone';
