-- Schema "payment" is created and owned by payment_svc in infra/postgres/bootstrap.sql (and the migrator creates it for its own table).
CREATE TYPE "payment"."payment_status" AS ENUM('PENDING', 'COMPLETED', 'FAILED', 'CANCELLED', 'REFUNDED');--> statement-breakpoint
CREATE TYPE "payment"."reservation_status" AS ENUM('TEMPORARILY_RESERVED', 'CONFIRMED', 'CANCELLED', 'EXPIRED');--> statement-breakpoint
CREATE TYPE "payment"."transaction_type" AS ENUM('CHARGE', 'PAYMENT', 'REFUND');--> statement-breakpoint
CREATE TYPE "payment"."user_role" AS ENUM('user', 'admin');--> statement-breakpoint
CREATE TABLE "payment"."balance_transactions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment"."balance_transactions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" uuid NOT NULL,
	"transaction_type" "payment"."transaction_type" NOT NULL,
	"amount" numeric(12, 2) NOT NULL,
	"previous_balance" numeric(12, 2) NOT NULL,
	"new_balance" numeric(12, 2) NOT NULL,
	"related_id" varchar(36),
	"description" varchar(500),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "balance_tx_amount_positive" CHECK ("payment"."balance_transactions"."amount" > 0),
	CONSTRAINT "balance_tx_arithmetic" CHECK (("payment"."balance_transactions"."transaction_type" = 'PAYMENT' and "payment"."balance_transactions"."new_balance" = "payment"."balance_transactions"."previous_balance" - "payment"."balance_transactions"."amount")
       or ("payment"."balance_transactions"."transaction_type" in ('CHARGE', 'REFUND') and "payment"."balance_transactions"."new_balance" = "payment"."balance_transactions"."previous_balance" + "payment"."balance_transactions"."amount"))
);
--> statement-breakpoint
CREATE TABLE "payment"."idempotency_keys" (
	"user_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"key" varchar(64) NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("user_id","scope","key")
);
--> statement-breakpoint
CREATE TABLE "payment"."inbox" (
	"consumer" text NOT NULL,
	"event_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "payment"."outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "payment"."outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" uuid NOT NULL,
	"aggregatetype" text NOT NULL,
	"aggregateid" text NOT NULL,
	"type" text NOT NULL,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbox_event_id_unique" UNIQUE("event_id"),
	CONSTRAINT "outbox_status_check" CHECK (status in ('PENDING', 'SENT', 'DEAD'))
);
--> statement-breakpoint
CREATE TABLE "payment"."payable_reservations" (
	"reservation_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"concert_id" uuid NOT NULL,
	"seat_number" integer,
	"price" numeric(10, 2),
	"reserved_until" timestamp with time zone,
	"status" "payment"."reservation_status" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment"."payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"reservation_id" uuid NOT NULL,
	"amount" numeric(10, 2) NOT NULL,
	"status" "payment"."payment_status" DEFAULT 'PENDING' NOT NULL,
	"payment_method" text DEFAULT 'BALANCE' NOT NULL,
	"previous_balance" numeric(12, 2) NOT NULL,
	"remaining_balance" numeric(12, 2) NOT NULL,
	"paid_at" timestamp with time zone,
	"refunded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_positive" CHECK ("payment"."payments"."amount" > 0),
	CONSTRAINT "payments_method_check" CHECK ("payment"."payments"."payment_method" = 'BALANCE')
);
--> statement-breakpoint
CREATE TABLE "payment"."users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" varchar(255) NOT NULL,
	"name" varchar(100) NOT NULL,
	"phone" varchar(20),
	"password_hash" text NOT NULL,
	"role" "payment"."user_role" DEFAULT 'user' NOT NULL,
	"balance" numeric(12, 2) DEFAULT '0.00' NOT NULL,
	"balance_version" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_balance_non_negative" CHECK ("payment"."users"."balance" >= 0)
);
--> statement-breakpoint
ALTER TABLE "payment"."balance_transactions" ADD CONSTRAINT "balance_transactions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "payment"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment"."payments" ADD CONSTRAINT "payments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "payment"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "balance_tx_user_id_idx" ON "payment"."balance_transactions" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "balance_tx_user_created_idx" ON "payment"."balance_transactions" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "balance_tx_type_idx" ON "payment"."balance_transactions" USING btree ("transaction_type");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "payment"."idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "payment"."outbox" USING btree ("id") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "outbox_unsent_aggregate_idx" ON "payment"."outbox" USING btree ("aggregatetype","aggregateid","id") WHERE status <> 'SENT';--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "payment"."outbox" USING btree ("sent_at") WHERE status = 'SENT';--> statement-breakpoint
CREATE INDEX "payable_reservations_user_idx" ON "payment"."payable_reservations" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_one_per_reservation" ON "payment"."payments" USING btree ("reservation_id") WHERE status in ('COMPLETED', 'REFUNDED');--> statement-breakpoint
CREATE INDEX "payments_user_status_idx" ON "payment"."payments" USING btree ("user_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "payment"."users" USING btree ("email");