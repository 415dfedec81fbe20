import { googleAuthLibrary, grpc } from 'google-gax';

/**
 * Client options of an official Google gRPC client talking to a fake on 127.0.0.1: insecure, and never the
 * default credentials (on a machine that has some they could reach real Google). `grpc` and the auth library
 * come from google-gax: a second @grpc/grpc-js copy gives "Channel credentials must be a ChannelCredentials object".
 */
export function fakeGrpcClientOptions(port: number) {
  return {
    apiEndpoint: '127.0.0.1',
    port,
    sslCreds: grpc.credentials.createInsecure(),
    authClient: new googleAuthLibrary.PassThroughClient(),
  };
}
