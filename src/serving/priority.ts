import type { EventLoopPriority } from '../config/options.js';
import { useRealtimePriority } from '../kernels/native.js';

/** What {@link applyEventLoopPriority} did: the priority the event loop now has, and why not more. */
export interface AppliedPriority {
  priority: EventLoopPriority;
  /** Set when `realtime` was asked for and could not be had. */
  reason?: string;
}

/**
 * Gives the calling thread (the event loop of `rocket serve`) the configured priority. `realtime`
 * moves it to SCHED_RR so a health probe or an upload is served the moment it arrives, instead of
 * waiting for the scheduler to preempt busy inference threads (on a saturated CPU that wait is
 * several milliseconds). Where the kernel refuses, the server runs on at normal priority.
 */
export function applyEventLoopPriority(
  wanted: EventLoopPriority,
  setRealtime: () => true | null = useRealtimePriority,
): AppliedPriority {
  if (wanted === 'normal') return { priority: 'normal' };
  try {
    if (setRealtime() === null) {
      return { priority: 'normal', reason: 'this platform has no real-time scheduling policy' };
    }
    return { priority: 'realtime' };
  } catch (err) {
    return {
      priority: 'normal',
      reason: `${(err as Error).message} (grant CAP_SYS_NICE or an RLIMIT_RTPRIO of 1 to enable it)`,
    };
  }
}
