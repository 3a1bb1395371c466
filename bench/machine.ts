import { cpus, release, totalmem, type } from 'node:os';
import type { MachineInfo } from './results-view';

export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    os: `${type()} ${release()} (${process.platform}/${process.arch})`,
    cpu: processors[0]?.model.trim() ?? 'unknown CPU',
    cores: processors.length,
    node: process.version,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  };
}
