import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { KeyAttribute } from '#shared/store/table-definition.js';
import { tableDefinitions } from '#shared/store/tables.js';
import type { TableAccess, TableName } from '#shared/topology.js';
import { mapRecord } from '../records.js';

export type { TableAccess };

export { tableDefinitions };

const attributeTypes: Record<KeyAttribute['type'], AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};
const attribute = (key: KeyAttribute) => ({ name: key.name, type: attributeTypes[key.type] });

/** Item-level actions only: no Scan, no transactions, no streams, no table management. */
const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const actionsFor: Record<TableAccess, string[]> = {
  read: readActions,
  readWrite: [...readActions, ...writeActions],
  // Writes of items (the history's entries, one by one or 25 to a batch): no read, no update.
  append: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
};

export interface StoreProps {
  namePrefix: string;
  retainData: boolean;
}

/** The DynamoDB tables of the topology: on-demand, point-in-time recovery, AWS-managed KMS encryption. */
export class Store extends Construct {
  readonly tables: Record<TableName, Table>;

  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    this.tables = mapRecord(tableDefinitions, (definition, name) => {
      const table = new Table(this, `${name}-table`, {
        tableName: `${props.namePrefix}-${name}`,
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
        ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        deletionProtection: props.retainData,
        removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      for (const index of definition.globalSecondaryIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
        });
      }
      return table;
    });
  }

  /**
   * Grants on the table and its named indexes. Table.grantReadData would add `<table>/index/*`;
   * naming the indexes keeps the policies free of wildcards.
   */
  grant(grantee: IGrantable, name: TableName, access: TableAccess): Grant {
    const table = this.tables[name];
    const indexArns = tableDefinitions[name].globalSecondaryIndexes.map(
      ({ indexName }) => `${table.tableArn}/index/${indexName}`,
    );
    return Grant.addToPrincipal({
      grantee,
      actions: actionsFor[access],
      resourceArns: [table.tableArn, ...indexArns],
    });
  }
}
