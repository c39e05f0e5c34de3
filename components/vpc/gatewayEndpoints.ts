import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { endpointServiceName } from "./policies";

/** Services with a (free) gateway endpoint. */
export type GatewayService = "s3" | "dynamodb";

/**
 * Gateway endpoints of `services` on the given route tables (the private
 * and isolated ones), named `<vpc>-<service>-endpoint`, children of `parent`.
 */
export function gatewayEndpoints(
    parent: pulumi.Resource,
    name: string,
    vpcId: pulumi.Input<string>,
    region: pulumi.Output<string>,
    routeTableIds: pulumi.Input<pulumi.Input<string>[]>,
    services: readonly GatewayService[],
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): { s3: aws.ec2.VpcEndpoint; dynamodb?: aws.ec2.VpcEndpoint } {
    const endpoints: Partial<Record<GatewayService, aws.ec2.VpcEndpoint>> = {};
    for (const service of services) {
        const endpointName = `${name}-${service}-endpoint`;
        endpoints[service] = new aws.ec2.VpcEndpoint(
            endpointName,
            {
                vpcId,
                serviceName: region.apply((r) => endpointServiceName(r, service)),
                vpcEndpointType: "Gateway",
                routeTableIds,
                tags: nameTags(endpointName, tags),
            },
            { parent },
        );
    }
    return { s3: endpoints.s3!, dynamodb: endpoints.dynamodb };
}
