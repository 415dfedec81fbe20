import { getExecutorService } from '../../src/app/executor-factory.js';
import type { BackendType } from '../../src/domain/backend-type.js';
import type { LoggerPort } from '../../src/domain/ports/logger.port.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { BUSYBOX_IMAGE } from './docker.js';
import { fakeGrpcClientOptions } from './fake-grpc-client.js';

/** Everything needed to build the same service in this process or in a fresh one (JSON-serialisable). */
export interface ServiceConfig {
  readonly type: BackendType;
  /** Docker: host directory bind-mounted at /staging. */
  readonly stagingDir?: string;
  /** Docker: named volume staging through the archive API instead (the remote-daemon mode). */
  readonly stagingVolume?: string;
  /** The GCS fake's endpoint (GcsInput on Docker; the staging bucket of the cloud backends). */
  readonly gcsEndpoint?: string;
  /** Cloud backends: port of the gRPC fake on 127.0.0.1, and the staging bucket (in the GCS fake). */
  readonly grpcPort?: number;
  readonly stagingBucket?: string;
  readonly maxWorkers?: number;
  readonly removeOnFinish?: boolean;
}

export const TEST_PROJECT = 'smartjob-tests';
export const TEST_REGION = 'europe-west1';

/** gRPC to the local fake, insecure, and never the default credentials (they could reach real Google). */
function fakeClientOptions(config: ServiceConfig) {
  if (!config.grpcPort) throw new Error('a cloud backend test needs grpcPort');
  return fakeGrpcClientOptions(config.grpcPort);
}

/** Test services never reach a real cloud or network: fakes on loopback, containers with network none. */
export function buildService(config: ServiceConfig, logger?: LoggerPort): ExecutorService {
  const gcs = config.gcsEndpoint ? { apiEndpoint: config.gcsEndpoint, projectId: 'smartjob-test', maxRetryDelaySeconds: 1 } : undefined;
  switch (config.type) {
    case 'docker':
      return getExecutorService('docker', {
        useCache: false,
        maxWorkers: config.maxWorkers,
        logger,
        gcs,
        docker: {
          networkMode: 'none',
          staging: config.stagingVolume
            ? { mode: 'volume', volumeName: config.stagingVolume, helperImage: BUSYBOX_IMAGE }
            : { mode: 'bind', hostDir: config.stagingDir! },
          stopGraceSeconds: 1,
          removeOnFinish: config.removeOnFinish,
        },
      });
    case 'cloudrun':
    case 'cloudbatch':
    case 'vertex': {
      const placement = { project: TEST_PROJECT, region: TEST_REGION, stagingBucket: config.stagingBucket, clientOptions: fakeClientOptions(config), pollIntervalMs: 200 };
      const common = { useCache: false, maxWorkers: config.maxWorkers, logger, gcs };
      return getExecutorService(config.type, { ...common, [config.type]: placement });
    }
    default:
      throw new Error(`no test configuration for the ${config.type} backend yet`);
  }
}
