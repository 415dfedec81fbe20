import { ValidationError } from '../../../domain/errors.js';
import type { ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import { acceleratorTypeName } from './vertex-mapper.js';
import { BOOT_DISK_TYPES, DEFAULT_MACHINE_TYPE } from './vertex-options.js';

/** CustomJobSpec.network: the full name of a peered VPC network (job_service.proto: the project as its number). */
const NETWORK = /^projects\/[^/\s]+\/global\/networks\/[^/\s]+$/;

/**
 * Checks the machine settings of an execution before anything is staged, with the rules Vertex applies (and one
 * it does not: an accelerator type the client cannot encode would silently become "none"). The accelerator
 * types are the client's own, so checking them loads it.
 */
export async function checkMachineSettings(
  config: ResolvedExecutionConfig,
  acceleratorTypes: () => Promise<readonly string[]>,
  logger: LoggerPort,
): Promise<void> {
  if (config.acceleratorCount !== undefined && config.acceleratorType === undefined) {
    throw new ValidationError('executionConfig.acceleratorType', 'is required on Vertex AI when `executionConfig.acceleratorCount` is set');
  }
  if (config.acceleratorType !== undefined) {
    const known = (await acceleratorTypes()).filter((t) => t !== 'ACCELERATOR_TYPE_UNSPECIFIED');
    if (!known.includes(acceleratorTypeName(config.acceleratorType))) {
      throw new ValidationError('executionConfig.acceleratorType', `must be a Vertex AI accelerator type (${known.join(', ')})`, config.acceleratorType);
    }
  }
  if (config.bootDiskType !== undefined && !BOOT_DISK_TYPES.includes(config.bootDiskType)) {
    throw new ValidationError('executionConfig.bootDiskType', `must be one of ${BOOT_DISK_TYPES.join(', ')} on Vertex AI`, config.bootDiskType);
  }
  if (config.vpcConnectorNetwork !== undefined && !NETWORK.test(config.vpcConnectorNetwork)) {
    throw new ValidationError(
      'executionConfig.vpcConnectorNetwork',
      'must be the full name of a network peered with Vertex AI, projects/<project number>/global/networks/<network>',
      config.vpcConnectorNetwork,
    );
  }
  if ((config.cpu !== undefined || config.memoryGb !== undefined) && config.machineType === undefined) {
    logger.warn(`a Vertex AI job gets the CPUs and memory of its machine type, ${DEFAULT_MACHINE_TYPE} (4 vCPUs, 15 GB) unless \`executionConfig.machineType\` names another`);
  }
}
