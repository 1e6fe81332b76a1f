import type { Field, Model } from '@mrleebo/prisma-ast';
import { ForgeError } from '../errors';
import { type Datamodel, type DmmfField, type DmmfModel, findField, findModel, PRISMA_SCALARS } from '../schema/datamodel';
import type { SchemaDocument } from '../schema/schema-document';
import type { ChangePlan } from './change-plan';

/** What a change handler works with: Prisma's reading of the schema before it, the document, the plan. */
export class ChangeContext {
  constructor(
    readonly datamodel: Datamodel,
    readonly doc: SchemaDocument,
    readonly plan: ChangePlan,
    /** How errors name the change, e.g. `add_column User`. */
    readonly label: string,
  ) {}

  fail(message: string, hint = 'Check the change against schema.prisma.'): never {
    throw new ForgeError('CHANGE_INVALID', `${this.label}: ${message}`, hint);
  }

  model(target: string): DmmfModel {
    const model = findModel(this.datamodel, target);
    if (!model)
      this.fail(
        `no model or table named "${target}"`,
        `Models in the schema: ${this.datamodel.models.map((m) => m.name).join(', ') || 'none'}.`,
      );
    return model;
  }

  field(model: DmmfModel, name: string): DmmfField {
    const field = findField(model, name);
    if (!field)
      this.fail(
        `model ${model.name} has no field or column "${name}"`,
        `Fields of ${model.name}: ${model.fields.map((f) => f.name).join(', ')}.`,
      );
    return field;
  }

  /** Refuse a name already taken in the model, as a field or as a column. */
  assertFree(model: DmmfModel, name: string, what = 'field'): void {
    if (findField(model, name)) this.fail(`model ${model.name} already has a field or column "${name}"`, `Choose another ${what} name.`);
  }

  /** Check a Prisma type name (`String`, `Role`, `Int[]`) against the scalars and the schema's enums. */
  assertType(type: string, where: string): void {
    const base = type.replace(/\[\]$/, '');
    if (!PRISMA_SCALARS.includes(base) && !this.datamodel.enums.some((e) => e.name === base)) {
      this.fail(
        `${where}: "${type}" is neither a Prisma scalar (${PRISMA_SCALARS.join(', ')}) nor an enum of the schema`,
        this.datamodel.enums.length
          ? `Enums in the schema: ${this.datamodel.enums.map((e) => e.name).join(', ')}.`
          : 'Add the enum to schema.prisma first.',
      );
    }
  }

  fileOf(model: DmmfModel): string {
    const file = this.doc.fileOf(model.name);
    if (!file) this.fail(`cannot find the block of model ${model.name} in the schema files`);
    return file;
  }

  /** The prisma-ast block of a model, for edits not covered by the builder's methods. */
  editBlock(model: DmmfModel, edit: (block: Model) => void): void {
    this.doc.editModel(this.fileOf(model), model.name).then<Model>(edit);
  }

  /** The prisma-ast field of a model, for edits. */
  editField(model: DmmfModel, field: DmmfField, edit: (node: Field) => void): void {
    this.doc.editModel(this.fileOf(model), model.name).field(field.name).then<Field>(edit);
  }
}
