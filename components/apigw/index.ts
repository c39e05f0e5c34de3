// API Gateway: an HTTP API with a VPC link and a Cloud Map namespace services share.
export {
    HttpApiGateway,
    HTTP_API_GATEWAY_DEFAULTS,
    ACCESS_LOG_FORMAT,
    resolveHttpApiGatewayArgs,
} from "./httpApiGateway";
export type { HttpApiGatewayArgs, HttpApiGatewayRef } from "./httpApiGateway";
