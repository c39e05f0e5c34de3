// BillingAlarm: an alarm when the estimated charges grow by
// thresholdUsdPerDay USD a day or more, and a monthly budget, mailed to the
// configured addresses (in us-east-1, whatever region this stack uses).
import * as pulumi from "@pulumi/pulumi";
import { BillingAlarm } from "@aws-webapp/aws-webapp";

const config = new pulumi.Config();

const billing = new BillingAlarm("billing", {
    thresholdUsdPerDay: config.getNumber("thresholdUsdPerDay") ?? 2,
    monthlyBudgetUsd: config.getNumber("monthlyBudgetUsd") ?? 50,
    emails: config.requireObject<string[]>("emails"),
});

export const topicArn = billing.topicArn;
export const alarmName = billing.alarmName;
