/**
 * onnxruntime-node's Linux library (1.30) collects usage telemetry once a session is created: it
 * stores events (a device id, the OS, the program's name, the execution providers of each
 * session, …) in a SQLite file under `~/.cache/Microsoft/DeveloperTools/.onnxruntime`, writes an
 * empty `/tmp/mat-debug-<pid>.log` in every process, and uploads the events to Microsoft's
 * collector where the network allows. An inference server should not send anything anywhere on
 * its own, so unless the environment already says otherwise, ORT_DISABLE_TELEMETRY is set to 1
 * before any session exists (onnxruntime reads it then); `ORT_DISABLE_TELEMETRY=0` lets it run.
 */
export function keepOrtTelemetryOff(): void {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
}
