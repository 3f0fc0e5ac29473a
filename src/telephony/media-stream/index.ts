export * from './framing';
export { detectStream, type Detection } from './detect';
export { acceptMediaStream, MEDIA_STREAM_CLOSE, type MediaStreamEndpointOptions } from './media-stream-endpoint';
export {
  createMediaStreamChannel,
  MediaStreamFrameError,
  type MediaStreamChannel,
  type MediaStreamChannelOptions,
  type MediaStreamStats,
} from './media-stream-channel';
export { wsMediaStreamSocket, type MediaStreamSocket } from './media-stream-socket';
export { decodePayload, encodePayload, bytesPerSample } from './payload-codec';
