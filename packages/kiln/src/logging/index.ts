export {
  addLogListener,
  createLogger,
  getDefaultLogger,
  LOG_LEVELS,
  type Logger,
  type LogLevel,
  type LogRecord,
  type LogSink,
  setDefaultLogger,
  stderrSink,
} from "./logger.js";
