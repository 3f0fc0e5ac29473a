export { createAudioSocketChannel, type AudioSocketChannel, type AudioSocketWire } from './audiosocket-channel';
export { startAudioSocketServer, type AudioSocketServer, type AudioSocketServerOptions } from './audiosocket-server';
export { createCallInAnswer, createCallInRoute, notTakingCallsText } from './call-in';
export { AUDIOSOCKET_KIND, AudioSocketDecoder, encodeAudioSocket, type AudioSocketMessage } from './framing';
