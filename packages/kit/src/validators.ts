import type { ValidationOptions } from "class-validator";
import { registerDecorator } from "class-validator";

/** Text that is more than white space: "   " is as empty as "". */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: "notBlank",
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not be blank`, ...options },
      validator: {
        validate: (value: unknown) => value === undefined || value === null || (typeof value === "string" && value.trim().length > 0),
      },
    });
}
