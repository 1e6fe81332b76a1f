export interface UiExecutorOptions {
  port?: number;
  host?: string;
  static?: string;
  lockTimeout?: number;
  backupRetention?: number;
}
