package dev.vigil.example;

import dev.langchain4j.agent.tool.Tool;

/** The agent's tools. They only print: the example touches no real system. */
public final class OrderTools {
    @Tool("Looks up an order by its id")
    public String lookupOrder(String orderId) {
        return "order " + orderId + ": 30 EUR, paid, customer C-17";
    }

    @Tool("Refunds an amount in EUR on an order")
    public String refund(String orderId, double amount) {
        return "refunded " + amount + " EUR on " + orderId;
    }

    @Tool(name = "delete_customer_records", value = "Deletes every record of a customer")
    public String deleteCustomerRecords(String customer) {
        return "deleted the records of " + customer;
    }
}
