import { ValidatorConstraint, ValidatorConstraintInterface } from "class-validator";

function isIanaTimezone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return value.length <= 64;
  } catch {
    return false;
  }
}

@ValidatorConstraint({ name: "ianaTimezone" })
export class IanaTimezone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === "string" && isIanaTimezone(value);
  }

  defaultMessage(): string {
    return "timezone must be an IANA time zone such as Europe/London";
  }
}
