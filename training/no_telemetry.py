"""Turns ONNX Runtime's telemetry off for this process: import it before onnxruntime.

ONNX Runtime (official 1.2x builds on Linux and macOS) otherwise writes a device id and an
event queue under ~/.cache/Microsoft/DeveloperTools/.onnxruntime and uploads events to
Microsoft. It reads ORT_DISABLE_TELEMETRY once, when the library loads, so the variable
must be set before the import; `onnxruntime.disable_telemetry_events()` alone comes too late.
"""

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
