using System.Text.RegularExpressions;
using SmtpTools.Core.Smtp;
using Xunit;

namespace SmtpTools.Core.Tests.Smtp.Send
{
    public sealed class RowMessageIdsTests
    {
        private static OutgoingMessage Row(string to, string subject = "Invoice", string from = "Billing <billing@example.test>") => new OutgoingMessage
        {
            From = from,
            To = { to },
            Subject = subject,
            Body = "Dear customer",
            Attachments = { "/data/invoice.pdf" },
        };

        [Fact]
        public void The_same_rows_get_the_same_ids_in_every_run()
        {
            var first = new RowMessageIds();
            var second = new RowMessageIds();
            foreach (var to in new[] { "a@example.test", "b@example.test", "c@example.test" })
                Assert.Equal(first.Next(Row(to)), second.Next(Row(to)));
        }

        /// <summary>
        /// The derivation is a contract with every log written so far: a resumed merge recognises rows only if this version
        /// makes the ids an earlier one made. Recomputed here from the documented recipe, not taken from the code.
        /// </summary>
        [Fact]
        public void Ids_follow_the_documented_recipe_so_logs_of_earlier_versions_still_match()
        {
            static string Hex(string text) => System.Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))).Substring(0, 32).ToLowerInvariant();
            // From, To, Cc, Bcc, Subject, Body, TextBody, HtmlBody, attachments, message path: values end with NUL, list items with U+0001.
            string content = Hex("Billing <billing@example.test>\0a@example.test\u0001\0\0\0Invoice\0Dear customer\0\0\0/data/invoice.pdf\u0001\0\0");
            var ids = new RowMessageIds();
            Assert.Equal(content + ".merge@example.test", ids.Next(Row("a@example.test")));
            // The second identical row: the hash of the first's key, '#' and its occurrence number.
            Assert.Equal(Hex(content + "#2") + ".merge@example.test", ids.Next(Row("a@example.test")));
        }

        [Fact]
        public void Ids_are_well_formed_and_name_the_sender_domain()
        {
            var id = new RowMessageIds().Next(Row("a@example.test"));
            Assert.Matches(new Regex("^[0-9a-f]{32}\\.merge@example\\.test$"), id);
        }

        [Fact]
        public void Every_field_of_the_row_counts()
        {
            var ids = new RowMessageIds();
            var baseline = new RowMessageIds().Next(Row("a@example.test"));
            Assert.NotEqual(baseline, ids.Next(Row("b@example.test")));
            Assert.NotEqual(baseline, ids.Next(Row("a@example.test", subject: "Reminder")));
            var withCc = Row("a@example.test");
            withCc.Cc.Add("boss@example.test");
            Assert.NotEqual(baseline, ids.Next(withCc));
            var otherFile = Row("a@example.test");
            otherFile.Attachments[0] = "/data/other.pdf";
            Assert.NotEqual(baseline, ids.Next(otherFile));
            // A value moved from To to Cc is another message.
            var moved = new OutgoingMessage { From = "billing@example.test", Cc = { "a@example.test" }, Subject = "Invoice", Body = "Dear customer", Attachments = { "/data/invoice.pdf" } };
            Assert.NotEqual(new RowMessageIds().Next(new OutgoingMessage { From = "billing@example.test", To = { "a@example.test" }, Subject = "Invoice", Body = "Dear customer", Attachments = { "/data/invoice.pdf" } }), new RowMessageIds().Next(moved));
        }

        [Fact]
        public void Identical_rows_are_two_messages_and_keep_their_order_across_runs()
        {
            var run1 = new RowMessageIds();
            var a1 = run1.Next(Row("a@example.test"));
            var a2 = run1.Next(Row("a@example.test"));
            Assert.NotEqual(a1, a2);
            var run2 = new RowMessageIds();
            Assert.Equal(a1, run2.Next(Row("a@example.test")));
            Assert.Equal(a2, run2.Next(Row("a@example.test")));
        }
    }
}
