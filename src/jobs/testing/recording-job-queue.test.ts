import { jobQueueConformance } from '../job-queue.conformance';
import { RecordingJobQueue } from './recording-job-queue';

jobQueueConformance(
  'in-memory recording fake',
  () => {
    const now = new Date('2026-12-01T00:00:00.000Z');
    const queue = new RecordingJobQueue({ now: () => now });
    return { queue, now, queued: async () => queue.jobs.map((j) => ({ ...j })) };
  },
  { joinsTransactions: false, cancelsByDedupeKey: false },
);
