// BillingAlarm: an alarm when the estimated charges grow by 2 USD a day or
// more, and a 50 USD monthly budget, mailed to one address (in us-east-1,
// whatever region this stack uses).
import { BillingAlarm } from "@aws-webapp/aws-webapp";

const billing = new BillingAlarm("billing", {
    thresholdUsdPerDay: 2,
    monthlyBudgetUsd: 50,
    emails: ["billing@example.com"],
});

export const topicArn = billing.topicArn;
export const alarmName = billing.alarmName;
