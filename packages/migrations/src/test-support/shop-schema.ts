/** A small schema with the shapes the generator must handle: a mapped table and column, an enum, a relation. */
export const SHOP_SCHEMA = `generator client {
  provider = "prisma-client"
  output   = "../src/generated/prisma"
}

datasource db {
  provider = "postgresql"
}

// Who may do what.
enum Role {
  ADMIN
  CUSTOMER
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?
  role      Role     @default(CUSTOMER)
  createdAt DateTime @default(now()) @map("created_at")
  posts     Post[]

  @@map("users")
}

/// A post: its layout here is deliberately not Prisma's.
model Post {
  id    Int @id @default(autoincrement())
  title    String
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
`;

export const SHOP_FILES = [{ path: 'prisma/schema.prisma', content: SHOP_SCHEMA }];
