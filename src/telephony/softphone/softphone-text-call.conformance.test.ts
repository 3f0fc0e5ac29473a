import { callChannelConformance } from '../../channels/call-channel.conformance';
import { createSoftphoneChannel } from './softphone-channel';
import { softphoneTextCall } from './softphone-text-call';
import { FakeSoftphoneSocket } from './testing-socket';

callChannelConformance('softphone as a text call (no speech engines)', () => {
  const socket = new FakeSoftphoneSocket();
  const call = softphoneTextCall(createSoftphoneChannel(socket, { nowMs: () => 0 }));
  return {
    channel: call,
    remote: {
      say: (text) => socket.receive({ type: 'text', text }, false),
      dtmf: (digits) => socket.receive({ type: 'dtmf', digits }, false),
      hangUp: () => socket.receive({ type: 'hangup' }, false),
      dropLine: () => socket.drop(),
      settle: () => new Promise((r) => setTimeout(r, 0)),
      agentLines: () =>
        socket
          .json()
          .filter((m) => m.type === 'caption' && m.speaker === 'agent')
          .map((m) => String(m.text)),
      outcomeShown: () => (socket.json().find((m) => m.type === 'outcome')?.outcome as string | undefined) ?? null,
      lineClosed: () => socket.closedWith !== null,
    },
  };
});
