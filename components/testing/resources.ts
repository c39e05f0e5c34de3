/**
 * Computed outputs per resource type (what the provider would add to the
 * inputs: ARNs, names, endpoints, versions), in AWS's shapes, and the
 * physical ids the mocks assign. Everything reads the engine's context (region,
 * account, the registration counter), never module state.
 */
import { awsxVpcOutputs, type RemoteContext } from "./awsxVpc";
import { arn, hex, type MockContext } from "./context";

/** Computed outputs of one resource type, on top of its inputs. */
export type Computed = (name: string, inputs: Record<string, any>, id: string) => Record<string, any>;

/** The table of computed outputs for an engine's context (read live: region and counter may change). */
export function computedOutputs(c: RemoteContext): Record<string, Computed> {
    return {
        "awsx:ec2:Vpc": (name, inputs, id) => awsxVpcOutputs(c, name, inputs, id),
        "aws:ec2/vpc:Vpc": (_n, i, id) => ({
            arn: arn(c, "ec2", `vpc/${id}`),
            defaultSecurityGroupId: `sg-default-${id}`,
            mainRouteTableId: `rtb-main-${id}`,
            cidrBlock: i.cidrBlock,
        }),
        "aws:ec2/securityGroup:SecurityGroup": (_n, _i, id) => ({ arn: arn(c, "ec2", `security-group/${id}`) }),
        "aws:ec2/launchTemplate:LaunchTemplate": (_n, _i, id) => ({
            arn: arn(c, "ec2", `launch-template/${id}`),
            latestVersion: 1,
            defaultVersion: 1,
        }),
        "aws:ec2/vpcEndpoint:VpcEndpoint": (_n, _i, id) => ({
            arn: arn(c, "ec2", `vpc-endpoint/${id}`),
            dnsEntries: [{ dnsName: `${id}.vpce.amazonaws.com`, hostedZoneId: "Z7HUB22UULQXV" }],
        }),
        "aws:ec2/flowLog:FlowLog": (_n, _i, id) => ({ arn: arn(c, "ec2", `vpc-flow-log/${id}`) }),
        "aws:cloudwatch/logGroup:LogGroup": (n, i) => ({
            arn: arn(c, "logs", `log-group:${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:cloudwatch/eventRule:EventRule": (n, i) => ({
            arn: arn(c, "events", `rule/${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:scheduler/scheduleGroup:ScheduleGroup": (n, i) => ({
            arn: arn(c, "scheduler", `schedule-group/${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:scheduler/schedule:Schedule": (n, i) => ({
            arn: arn(c, "scheduler", `schedule/${i.groupName ?? "default"}/${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:iam/role:Role": (n, i) => ({
            arn: arn(c, "iam", `role/${i.name ?? n}`, true),
            name: i.name ?? n,
            uniqueId: `AROA${hex(c.serial, 17).toUpperCase()}`,
        }),
        "aws:iam/policy:Policy": (n, i) => ({
            arn: arn(c, "iam", `policy/${i.name ?? n}`, true),
            policyId: `ANPA${hex(c.serial, 17).toUpperCase()}`,
        }),
        "aws:iam/instanceProfile:InstanceProfile": (n, i) => ({
            arn: arn(c, "iam", `instance-profile/${i.name ?? n}`, true),
        }),
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_n, i) => ({
            arn: arn(c, "iam", `oidc-provider/${String(i.url ?? "").replace(/^https:\/\//, "")}`, true),
        }),
        "aws:ecs/cluster:Cluster": (n, i) => ({ arn: arn(c, "ecs", `cluster/${i.name ?? n}`), name: i.name ?? n }),
        "aws:ecs/service:Service": (n, i) => ({
            id: arn(c, "ecs", `service/${i.cluster ?? "cluster"}/${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:ecs/taskDefinition:TaskDefinition": (n, i) => ({
            arn: arn(c, "ecs", `task-definition/${i.family ?? n}:1`),
            arnWithoutRevision: arn(c, "ecs", `task-definition/${i.family ?? n}`),
            revision: 1,
        }),
        "aws:ecs/capacityProvider:CapacityProvider": (n, i) => ({
            arn: arn(c, "ecs", `capacity-provider/${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:ecr/repository:Repository": (n, i) => ({
            arn: arn(c, "ecr", `repository/${i.name ?? n}`),
            name: i.name ?? n,
            repositoryUrl: `${c.accountId}.dkr.ecr.${c.region}.amazonaws.com/${i.name ?? n}`,
            registryId: c.accountId,
        }),
        "aws:autoscaling/group:Group": (n, i) => ({
            arn: arn(c, "autoscaling", `autoScalingGroup:uuid:autoScalingGroupName/${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:lb/loadBalancer:LoadBalancer": (n, _i, id) => ({
            arn: arn(c, "elasticloadbalancing", `loadbalancer/app/${n}/${id}`),
            arnSuffix: `app/${n}/${id}`,
            dnsName: `${n}-${hex(c.serial, 8)}.${c.region}.elb.amazonaws.com`,
            zoneId: "Z35SXDOTRQ7X7K",
        }),
        "aws:lb/targetGroup:TargetGroup": (n, _i, id) => ({
            arn: arn(c, "elasticloadbalancing", `targetgroup/${n}/${id}`),
            arnSuffix: `targetgroup/${n}/${id}`,
        }),
        "aws:lb/listener:Listener": (n, _i, id) => ({ arn: arn(c, "elasticloadbalancing", `listener/app/${n}/${id}`) }),
        "aws:rds/instance:Instance": (n, i, id) => {
            const host = `${i.identifier ?? n}.c${hex(c.serial, 11)}.${c.region}.rds.amazonaws.com`;
            const port = i.port ?? 5432;
            return {
                arn: arn(c, "rds", `db:${i.identifier ?? n}`),
                address: host,
                endpoint: `${host}:${port}`,
                port,
                identifier: i.identifier ?? n,
                resourceId: `db-${hex(c.serial, 26).toUpperCase()}`,
                hostedZoneId: "Z2R2ITUGPM61AM",
                masterUserSecrets: i.manageMasterUserPassword
                    ? [
                          {
                              secretArn: arn(c, "secretsmanager", `secret:rds!${id}-AbCdEf`),
                              kmsKeyId: arn(c, "kms", "key/aws-rds"),
                              secretStatus: "active",
                          },
                      ]
                    : [],
            };
        },
        "aws:rds/cluster:Cluster": (n, i, id) => {
            const name = i.clusterIdentifier ?? n;
            const zone = `c${hex(c.serial, 11)}`;
            return {
                arn: arn(c, "rds", `cluster:${name}`),
                clusterIdentifier: name,
                endpoint: `${name}.cluster-${zone}.${c.region}.rds.amazonaws.com`,
                readerEndpoint: `${name}.cluster-ro-${zone}.${c.region}.rds.amazonaws.com`,
                port: i.port ?? 5432,
                clusterResourceId: `cluster-${hex(c.serial, 26).toUpperCase()}`,
                engineVersionActual: i.engineVersion,
                hostedZoneId: "Z2R2ITUGPM61AM",
                masterUserSecrets: i.manageMasterUserPassword
                    ? [
                          {
                              secretArn: arn(c, "secretsmanager", `secret:rds!cluster-${id}-AbCdEf`),
                              kmsKeyId: arn(c, "kms", "key/aws-rds"),
                              secretStatus: "active",
                          },
                      ]
                    : [],
            };
        },
        "aws:rds/clusterInstance:ClusterInstance": (n, i) => {
            const name = i.identifier ?? n;
            const host = `${name}.c${hex(c.serial, 11)}.${c.region}.rds.amazonaws.com`;
            return {
                arn: arn(c, "rds", `db:${name}`),
                identifier: name,
                endpoint: host,
                port: 5432,
                dbiResourceId: `db-${hex(c.serial, 26).toUpperCase()}`,
                writer: i.promotionTier === 0,
            };
        },
        "aws:rds/clusterParameterGroup:ClusterParameterGroup": (n, i) => ({
            arn: arn(c, "rds", `cluster-pg:${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:rds/subnetGroup:SubnetGroup": (n, i) => ({
            arn: arn(c, "rds", `subgrp:${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:rds/parameterGroup:ParameterGroup": (n, i) => ({
            arn: arn(c, "rds", `pg:${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:s3/bucket:Bucket": (n, i) => ({
            arn: `arn:aws:s3:::${i.bucket ?? n}`,
            bucket: i.bucket ?? n,
            bucketRegionalDomainName: `${i.bucket ?? n}.s3.${c.region}.amazonaws.com`,
            region: c.region,
        }),
        "aws:s3/bucketV2:BucketV2": (n, i) => ({
            arn: `arn:aws:s3:::${i.bucket ?? n}`,
            bucket: i.bucket ?? n,
            bucketRegionalDomainName: `${i.bucket ?? n}.s3.${c.region}.amazonaws.com`,
            region: c.region,
        }),
        "aws:cloudfront/distribution:Distribution": (_n, _i, id) => ({
            arn: `arn:aws:cloudfront::${c.accountId}:distribution/${id}`,
            domainName: `d${hex(c.serial, 13)}.cloudfront.net`,
            hostedZoneId: "Z2FDTNDATAQYW2",
            status: "Deployed",
        }),
        "aws:cloudfront/function:Function": (n, i) => ({
            arn: `arn:aws:cloudfront::${c.accountId}:function/${i.name ?? n}`,
            liveStage: "LIVE",
        }),
        "aws:lambda/function:Function": (n, i) => ({
            arn: arn(c, "lambda", `function:${i.name ?? n}`),
            invokeArn: `arn:aws:apigateway:${c.region}:lambda:path/2015-03-31/functions/${arn(c, "lambda", `function:${i.name ?? n}`)}/invocations`,
            qualifiedArn: arn(c, "lambda", `function:${i.name ?? n}:$LATEST`),
            version: "$LATEST",
            name: i.name ?? n,
        }),
        "aws:sns/topic:Topic": (n, i) => ({ arn: arn(c, "sns", i.name ?? n), name: i.name ?? n }),
        "aws:sns/topicSubscription:TopicSubscription": (_n, i, id) => ({
            arn: `${i.topic ?? arn(c, "sns", "topic")}:${id}`,
        }),
        "aws:dynamodb/table:Table": (n, i) => ({
            arn: arn(c, "dynamodb", `table/${i.name ?? n}`),
            name: i.name ?? n,
            streamArn: i.streamEnabled ? arn(c, "dynamodb", `table/${i.name ?? n}/stream/2026-01-01T00:00:00.000`) : "",
            streamLabel: i.streamEnabled ? "2026-01-01T00:00:00.000" : "",
        }),
        "aws:elasticache/serverlessCache:ServerlessCache": (n, i) => ({
            arn: arn(c, "elasticache", `serverlesscache:${i.name ?? n}`),
            name: i.name ?? n,
            endpoints: [{ address: `${i.name ?? n}-abc123.serverless.use1.cache.amazonaws.com`, port: 6379 }],
            readerEndpoints: [{ address: `${i.name ?? n}-abc123.serverless.use1.cache.amazonaws.com`, port: 6380 }],
        }),
        "aws:sqs/queue:Queue": (n, i) => ({
            arn: arn(c, "sqs", i.name ?? n),
            url: `https://sqs.${c.region}.amazonaws.com/${c.accountId}/${i.name ?? n}`,
            name: i.name ?? n,
        }),
        "aws:secretsmanager/secret:Secret": (n, i) => ({
            arn: arn(c, "secretsmanager", `secret:${i.name ?? n}-AbCdEf`),
        }),
        "aws:kms/key:Key": (_n, _i, id) => ({ arn: arn(c, "kms", `key/${id}`), keyId: id }),
        "aws:cloudwatch/metricAlarm:MetricAlarm": (n, i) => ({
            arn: arn(c, "cloudwatch", `alarm:${i.name ?? n}`),
            name: i.name ?? n,
        }),
        "aws:cloudwatch/dashboard:Dashboard": (n, i) => ({
            dashboardArn: `arn:aws:cloudwatch::${c.accountId}:dashboard/${i.dashboardName ?? n}`,
        }),
        "aws:budgets/budget:Budget": (n, i) => ({ arn: `arn:aws:budgets::${c.accountId}:budget/${i.name ?? n}` }),
        "aws:acm/certificate:Certificate": (_n, i, id) => ({
            arn: arn(c, "acm", `certificate/${id}`),
            domainValidationOptions: [
                {
                    domainName: i.domainName,
                    resourceRecordName: `_x1.${i.domainName}.`,
                    resourceRecordType: "CNAME",
                    resourceRecordValue: `_y1.acm-validations.aws.`,
                },
            ],
            status: "ISSUED",
        }),
        "aws:route53/record:Record": (_n, i) => ({ fqdn: String(i.name ?? "").replace(/\.$/, "") }),
        "aws:acm/certificateValidation:CertificateValidation": (_n, i) => ({ certificateArn: i.certificateArn }),
        "aws:wafv2/webAcl:WebAcl": (n, i, id) => ({
            arn: arn(c, "wafv2", `regional/webacl/${i.name ?? n}/${id}`),
            capacity: 700,
        }),
        "aws:apigatewayv2/api:Api": (_n, _i, id) => ({
            apiEndpoint: `https://${id}.execute-api.${c.region}.amazonaws.com`,
            arn: `arn:aws:apigateway:${c.region}::/apis/${id}`,
            executionArn: arn(c, "execute-api", id),
        }),
        "aws:apigatewayv2/stage:Stage": (_n, i) => ({
            invokeUrl: `https://${i.apiId}.execute-api.${c.region}.amazonaws.com/`,
            arn: `arn:aws:apigateway:${c.region}::/apis/${i.apiId}/stages/${i.name}`,
        }),
        "aws:apigatewayv2/vpcLink:VpcLink": (_n, _i, id) => ({
            arn: `arn:aws:apigateway:${c.region}::/vpclinks/${id}`,
        }),
        "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": (_n, _i, id) => ({
            arn: arn(c, "servicediscovery", `namespace/${id}`),
            hostedZone: `Z${hex(c.serial, 13).toUpperCase()}`,
        }),
        "aws:servicediscovery/service:Service": (_n, _i, id) => ({ arn: arn(c, "servicediscovery", `service/${id}`) }),
        "docker:index/image:Image": (_n, i) => ({
            repoDigest: `${String(i.imageName ?? "image").split(":")[0]}@sha256:${hex(c.serial, 64)}`,
            imageName: i.imageName,
            baseImageName: i.imageName,
        }),
        "random:index/randomPassword:RandomPassword": () => ({ result: "mock-generated-password-0123456789" }),
        "random:index/randomId:RandomId": (_n, i) => {
            const bytes = Number(i.byteLength ?? 8);
            const h = hex(c.serial, bytes * 2);
            return { hex: h, dec: BigInt(`0x${h}`).toString(), b64Url: Buffer.from(h, "hex").toString("base64url") };
        },
    };
}

/** Physical id per resource type family, in AWS's shapes. */
export function physicalId(c: MockContext, type: string, name: string): string {
    const prefixes: Record<string, string> = {
        "aws:ec2/securityGroup:SecurityGroup": "sg-",
        "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
        "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-",
        "aws:ec2/flowLog:FlowLog": "fl-",
        "aws:ec2/vpc:Vpc": "vpc-",
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
        "aws:kms/key:Key": "",
        "aws:cloudfront/distribution:Distribution": "E",
    };
    const p = prefixes[type];
    if (p !== undefined) return `${p}${hex(c.serial, 17)}`;
    return `${name}-id`;
}

/** `aws:ec2/securityGroup:SecurityGroup` -> `ec2` */
function service(type: string): string {
    return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

/** Computed outputs of a resource: its type's entry, or an ARN in the resource's service namespace. */
export function computedFor(
    c: MockContext,
    table: Record<string, Computed>,
    type: string,
    name: string,
    inputs: Record<string, any>,
    id: string,
): Record<string, any> {
    const specific = table[type];
    if (specific) return specific(name, inputs, id);
    return { arn: arn(c, service(type), `${type.split(":").pop()?.toLowerCase() ?? "resource"}/${name}`) };
}
