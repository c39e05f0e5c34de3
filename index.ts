// The Pulumi program: validate the current stack's whole environment (the
// configuration, the zones asked of the provider, every component's
// arguments) before any resource is registered, build it, return its outputs.
// An async entry point: Pulumi awaits the function this module exports.
import { runEnvironment } from "./stacks/environment";

export = async () => {
    const environment = await runEnvironment();
    return {
        environmentName: environment.environment,
        region: environment.region,
        applicationUrl: environment.applicationUrl,
        databaseEndpoint: environment.databaseEndpoint,
        bucketName: environment.bucketName,
        imageTopicArn: environment.imageTopicArn,
        alarmTopicArn: environment.alarmTopicArn,
        billingTopicArn: environment.billingTopicArn,
        dashboardUrl: environment.dashboardUrl,
        vpcId: environment.vpcId,
        clusterName: environment.clusterName,
        repositoryUrl: environment.repositoryUrl,
        authIssuer: environment.authIssuer,
        authClientId: environment.authClientId,
        authLoginUrl: environment.authLoginUrl,
        idleMonthlyCostUsd: environment.idleMonthlyCostUsd,
    };
};
