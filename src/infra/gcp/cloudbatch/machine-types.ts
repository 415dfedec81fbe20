import type { ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { BatchComputeResource } from './cloudbatch-api.js';

/** vCPUs and memory of a Compute Engine machine type. */
export interface MachineShape {
  readonly vcpus: number;
  readonly memoryMib: number;
}

/**
 * GB of memory per vCPU of the predefined machine types of the common families
 * (https://cloud.google.com/compute/docs/machine-resource): `<family>-<kind>-<vCPUs>`, optionally `-lssd`.
 * Anything else (custom types, GPU and memory-optimised families) is unknown here: no Compute API call is made.
 */
const GB_PER_VCPU: Readonly<Record<string, Readonly<Partial<Record<'standard' | 'highmem' | 'highcpu', number>>>>> = {
  e2: { standard: 4, highmem: 8, highcpu: 1 },
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  n2: { standard: 4, highmem: 8, highcpu: 1 },
  n2d: { standard: 4, highmem: 8, highcpu: 1 },
  n4: { standard: 4, highmem: 8, highcpu: 2 },
  c2: { standard: 4 },
  c2d: { standard: 4, highmem: 8, highcpu: 2 },
  c3: { standard: 4, highmem: 8, highcpu: 2 },
  c3d: { standard: 4, highmem: 8, highcpu: 2 },
  t2d: { standard: 4 },
};
/** Shared-core types: Compute reports 2 vCPUs for each. */
const SHARED_CORE: Readonly<Record<string, MachineShape>> = {
  'e2-micro': { vcpus: 2, memoryMib: 1024 },
  'e2-small': { vcpus: 2, memoryMib: 2048 },
  'e2-medium': { vcpus: 2, memoryMib: 4096 },
};
const PREDEFINED = /^([a-z][a-z0-9]*)-(standard|highmem|highcpu)-([1-9][0-9]{0,2})(-lssd)?$/;

/** The shape of a predefined machine type of a known family; undefined for any other type. */
export function machineShapeOf(machineType: string): MachineShape | undefined {
  const shared = SHARED_CORE[machineType];
  if (shared) return shared;
  const match = PREDEFINED.exec(machineType);
  const gbPerVcpu = match ? GB_PER_VCPU[match[1]!]?.[match[2] as 'standard' | 'highmem' | 'highcpu'] : undefined;
  if (!match || gbPerVcpu === undefined) return undefined;
  const vcpus = Number(match[3]);
  return { vcpus, memoryMib: Math.floor(vcpus * gbPerVcpu * 1024) };
}

/**
 * The task's compute resource: `cpu` and `memoryGb` when set, else what the machine type's shape gives (the whole
 * VM for the one task). Unset when neither is known (Batch then asks for 2 vCPUs and 2000 MiB), with a warning
 * when a machine type was given that this table does not know, or when the task asks for more than its VM has.
 */
export function computeResourceOf(config: Pick<ResolvedExecutionConfig, 'cpu' | 'memoryGb' | 'machineType'>): {
  readonly resource: BatchComputeResource | undefined;
  readonly warnings: readonly string[];
} {
  const shape = config.machineType ? machineShapeOf(config.machineType) : undefined;
  const warnings: string[] = [];
  if (config.machineType && !shape && (config.cpu === undefined || config.memoryGb === undefined)) {
    warnings.push(`the vCPUs and memory of machine type '${config.machineType}' are not known to smartjob: set \`cpu\` and \`memoryGb\``
      + ' to the task\'s needs, else Batch asks for its default of 2 vCPUs and 2000 MiB per task');
  }
  const cpuMilli = config.cpu !== undefined ? Math.round(config.cpu * 1000) : shape && shape.vcpus * 1000;
  const memoryMib = config.memoryGb !== undefined ? Math.ceil(config.memoryGb * 1024) : shape?.memoryMib;
  if (shape && ((cpuMilli ?? 0) > shape.vcpus * 1000 || (memoryMib ?? 0) > shape.memoryMib)) {
    warnings.push(`the task asks for more than a ${config.machineType} VM has (${shape.vcpus} vCPUs, ${shape.memoryMib} MiB): Batch cannot place it`);
  }
  if (cpuMilli === undefined && memoryMib === undefined) return { resource: undefined, warnings };
  return { resource: { ...(cpuMilli !== undefined && { cpuMilli }), ...(memoryMib !== undefined && { memoryMib }) }, warnings };
}
