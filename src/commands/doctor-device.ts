import type { Device } from '../config/options.js';
import type { DoctorReport, Problem } from './doctor.js';

/** Whether the configured DEVICE can run on this machine (`rocket doctor` exits 1 when not). */
export interface DeviceCheck {
  /** DEVICE as configured: `cpu`, `auto` or `cuda:N`. */
  configured: string;
  works: boolean;
  /** Where inference would run, in words (`nowhere` when it cannot). */
  runsOn: string;
  /** Why it cannot run (empty when it can), each with its fix. */
  problems: Problem[];
}

/**
 * Decides from a doctor report whether DEVICE would run here. `cpu` always does; `auto` does too
 * (on CUDA device 0 when CUDA works, else on the CPU); `cuda:N` needs CUDA to work and GPU N to
 * exist, as rocket serve refuses to start (PROVIDER_UNAVAILABLE) otherwise.
 */
export function checkDevice(device: Device, report: DoctorReport): DeviceCheck {
  if (device.kind === 'cpu') return { configured: 'cpu', works: true, runsOn: 'the CPU', problems: [] };
  if (device.kind === 'auto') {
    const runsOn = report.cuda.works ? 'CUDA device 0' : 'the CPU (DEVICE=cuda would fail here)';
    return { configured: 'auto', works: true, runsOn, problems: [] };
  }
  const id = device.deviceId;
  const visible = report.gpu.devices.length;
  const problems = [...report.cuda.problems];
  if (visible > 0 && id >= visible) {
    problems.push({
      problem: `DEVICE asks for GPU ${id} but only ${visible} GPU(s) are visible`,
      fix: `set DEVICE=cuda:0${visible > 1 ? ` … cuda:${visible - 1}` : ''}, or run where GPU ${id} is visible`,
    });
  }
  const works = problems.length === 0;
  const name = report.gpu.devices.find((d) => d.index === id)?.name;
  const runsOn = works ? `CUDA device ${id}${name ? ` (${name})` : ''}` : 'nowhere';
  return { configured: `cuda:${id}`, works, runsOn, problems };
}

/** The check as people read it: one line, then each problem and its fix. */
export function formatDeviceCheck(c: DeviceCheck): string {
  const head = c.works
    ? `Configured DEVICE=${c.configured}: runs on ${c.runsOn}`
    : `Configured DEVICE=${c.configured}: cannot run here (rocket serve would stop at startup with PROVIDER_UNAVAILABLE):`;
  const lines = [head, ...c.problems.map((p) => `  - ${p.problem}\n    fix: ${p.fix}`)];
  return `${lines.join('\n')}\n`;
}
