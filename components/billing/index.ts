// Billing guard: EstimatedCharges daily-rate alarm in us-east-1, SNS topic and emails, AWS Budget.
export * from "./billingAlarm";
export * from "./policies";
export * from "./provider";
export * from "./validation";
