-- Schema "booking" is created and owned by booking_svc in infra/postgres/bootstrap.sql (the role may not create schemas).
CREATE TYPE "booking"."concert_status" AS ENUM('SCHEDULED', 'BOOKING_OPEN', 'BOOKING_CLOSED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "booking"."reservation_status" AS ENUM('TEMPORARILY_RESERVED', 'CONFIRMED', 'CANCELLED', 'EXPIRED');--> statement-breakpoint
CREATE TYPE "booking"."seat_status" AS ENUM('AVAILABLE', 'TEMPORARILY_RESERVED', 'RESERVED');--> statement-breakpoint
CREATE TABLE "booking"."concerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" varchar(200) NOT NULL,
	"artist" varchar(100) NOT NULL,
	"venue" varchar(200) NOT NULL,
	"concert_date" date NOT NULL,
	"concert_time" time NOT NULL,
	"total_seats" integer DEFAULT 50 NOT NULL,
	"price" numeric(10, 2) NOT NULL,
	"booking_start_time" timestamp with time zone NOT NULL,
	"booking_end_time" timestamp with time zone NOT NULL,
	"status" "booking"."concert_status" DEFAULT 'SCHEDULED' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "concerts_total_seats_check" CHECK (total_seats > 0),
	CONSTRAINT "concerts_price_check" CHECK (price >= 0),
	CONSTRAINT "concerts_booking_period_check" CHECK (booking_start_time < booking_end_time)
);
--> statement-breakpoint
CREATE TABLE "booking"."inbox" (
	"consumer" text NOT NULL,
	"event_id" uuid NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inbox_pkey" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "booking"."outbox" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "booking"."outbox_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
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
CREATE TABLE "booking"."reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"seat_id" uuid NOT NULL,
	"concert_id" uuid NOT NULL,
	"seat_number" integer NOT NULL,
	"status" "booking"."reservation_status" DEFAULT 'TEMPORARILY_RESERVED' NOT NULL,
	"price" numeric(10, 2) NOT NULL,
	"reserved_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reserved_until" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"payment_id" uuid,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "booking"."seats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"concert_id" uuid NOT NULL,
	"seat_number" integer NOT NULL,
	"status" "booking"."seat_status" DEFAULT 'AVAILABLE' NOT NULL,
	"temp_reserved_by" uuid,
	"temp_reserved_until" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "booking"."reservations" ADD CONSTRAINT "reservations_seat_id_seats_id_fk" FOREIGN KEY ("seat_id") REFERENCES "booking"."seats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking"."reservations" ADD CONSTRAINT "reservations_concert_id_concerts_id_fk" FOREIGN KEY ("concert_id") REFERENCES "booking"."concerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking"."seats" ADD CONSTRAINT "seats_concert_id_concerts_id_fk" FOREIGN KEY ("concert_id") REFERENCES "booking"."concerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "concerts_concert_date_idx" ON "booking"."concerts" USING btree ("concert_date");--> statement-breakpoint
CREATE INDEX "concerts_booking_period_idx" ON "booking"."concerts" USING btree ("booking_start_time","booking_end_time");--> statement-breakpoint
CREATE INDEX "concerts_status_idx" ON "booking"."concerts" USING btree ("status");--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "booking"."outbox" USING btree ("id") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "outbox_unsent_aggregate_idx" ON "booking"."outbox" USING btree ("aggregatetype","aggregateid","id") WHERE status <> 'SENT';--> statement-breakpoint
CREATE INDEX "outbox_sent_at_idx" ON "booking"."outbox" USING btree ("sent_at") WHERE status = 'SENT';--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_active_seat_key" ON "booking"."reservations" USING btree ("seat_id") WHERE status in ('TEMPORARILY_RESERVED', 'CONFIRMED');--> statement-breakpoint
CREATE INDEX "reservations_user_status_idx" ON "booking"."reservations" USING btree ("user_id","status");--> statement-breakpoint
CREATE INDEX "reservations_user_concert_idx" ON "booking"."reservations" USING btree ("user_id","concert_id");--> statement-breakpoint
CREATE INDEX "reservations_reserved_until_idx" ON "booking"."reservations" USING btree ("reserved_until") WHERE status = 'TEMPORARILY_RESERVED';--> statement-breakpoint
CREATE UNIQUE INDEX "seats_concert_seat_number_key" ON "booking"."seats" USING btree ("concert_id","seat_number");--> statement-breakpoint
CREATE INDEX "seats_concert_status_idx" ON "booking"."seats" USING btree ("concert_id","status");--> statement-breakpoint
CREATE INDEX "seats_temp_reserved_until_idx" ON "booking"."seats" USING btree ("temp_reserved_until");