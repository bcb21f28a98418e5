import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey } from '../../host/protocol/generated/index.js';
import { ErrorCode } from '../../host/protocol/generated/errors.js';
import { startTestBroker, TestClient, type TestBroker } from '../helpers/broker.js';

describe.each(['memory', 'file'] as const)('DescribeCluster (%s storage)', (storage) => {
  let broker: TestBroker;
  let client: TestClient;
  beforeAll(async () => {
    broker = await startTestBroker({ storage, config: { 'node.id': 3 } });
    client = await TestClient.connect(broker.port);
  });
  afterAll(async () => {
    client.close();
    await broker.close();
  });

  it('describes the cluster id, this node as controller and the advertised broker', async () => {
    for (const v of [0, 1]) {
      const r = await client.send(ApiKey.DescribeCluster, v, { includeClusterAuthorizedOperations: false, endpointType: 1 });
      expect(r).toMatchObject({
        errorCode: 0,
        errorMessage: null,
        clusterId: broker.services.metadata.clusterId,
        controllerId: 3,
        brokers: [{ brokerId: 3, host: '127.0.0.1', port: broker.port, rack: null }],
        clusterAuthorizedOperations: -2147483648,
        endpointType: 1,
      });
    }
    const m = await client.send(ApiKey.Metadata, 12, { topics: [] });
    expect((await client.send(ApiKey.DescribeCluster, 1, {})).clusterId).toBe(m.clusterId);
  });

  it('reports every cluster operation as authorized when asked (no authorizer)', async () => {
    const r = await client.send(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: true });
    // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
    expect(r.clusterAuthorizedOperations).toBe((1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12));
  });

  it('refuses controller and unknown endpoint types as Kafka brokers do', async () => {
    expect(await client.send(ApiKey.DescribeCluster, 1, { endpointType: 2 })).toMatchObject({ errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE, brokers: [] });
    expect(await client.send(ApiKey.DescribeCluster, 1, { endpointType: 9 })).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Unsupported endpoint type 9' });
  });

  if (storage === 'file') {
    it('keeps the cluster id across a restart', async () => {
      const before = broker.services.metadata.clusterId;
      client.close();
      broker = await broker.restart();
      client = await TestClient.connect(broker.port);
      expect((await client.send(ApiKey.DescribeCluster, 1, {})).clusterId).toBe(before);
    });
  }
});
